"""`fleet keys`: the Ed25519 key that signs remote commands."""

from __future__ import annotations

from pathlib import Path

import click

from fleet.commandline.options import EXIT_PROBLEM, config_option, load
from fleet.signing import KeyFileError, generate_keypair, key_id, load_public_key


@click.group("keys")
def keys_group() -> None:
    """Signing keys for remote commands."""


@keys_group.command("generate")
@config_option
@click.option(
    "--private",
    "private_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the private key goes (default keys.private_key_file; keep it out of "
    "the repository).",
)
@click.option(
    "--public",
    "public_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the public key goes (default: the first of keys.public_key_files).",
)
@click.option("--force", is_flag=True, help="Replace an existing private key.")
def generate(
    config_path: Path | None, private_path: Path | None, public_path: Path | None, force: bool
) -> None:
    """Make a new signing keypair (private key mode 0600)."""
    loaded = load(config_path)
    private_path = private_path or loaded.private_key_file
    public_path = public_path or loaded.public_key_files[0]
    try:
        kid = generate_keypair(private_path, public_path, overwrite=force)
    except KeyFileError as e:
        click.echo(str(e), err=True)
        raise SystemExit(EXIT_PROBLEM) from None
    click.echo(f"key {kid}\n  private: {private_path}\n  public:  {public_path}")
    click.echo("Give every kiosk the public key; keep the private key on the manager only.")


@keys_group.command("show")
@config_option
def show(config_path: Path | None) -> None:
    """The public keys kiosks trust, with their ids."""
    loaded = load(config_path)
    for path in loaded.public_key_files:
        try:
            click.echo(f"{key_id(load_public_key(path))}  {path}")
        except KeyFileError as e:
            click.echo(f"-  {e}", err=True)
