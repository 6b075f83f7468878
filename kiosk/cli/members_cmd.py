"""`kiosk members`: loyalty members, face enrolment with consent, erasure."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli.options import EXIT_PROBLEM, config_option, db_option, load_or_exit


@click.group("members")
def members_group() -> None:
    """Members, their consent and their face templates."""


@members_group.command("keygen")
def keygen() -> None:
    """Print a new face-template key (put it in $KIOSK_FACE_KEY or a key file)."""
    from kiosk.members.templates import generate_key

    click.echo(generate_key())


@members_group.command("consent-text")
@click.option("--language", type=click.Choice(["en", "zh_CN"]), default="en")
@config_option
def consent_text_cmd(language: str, config_path: Path | None) -> None:
    """Show the consent text members agree to before enrolment."""
    from kiosk.members.consent import consent_text

    cfg = load_or_exit(config_path).config.face_pay
    click.echo(consent_text(cfg.consent_version, language, cfg.retention_days))


@members_group.command("add")
@click.option("--name", required=True)
@click.option("--member-id", help="The new member's id (default: a fresh one).")
@click.option("--phone", required=True, help="Its last four digits are the face-pay second factor.")
@click.option("--points", default=0, show_default=True)
@click.option(
    "--wallet", default="0", show_default=True, help="Opening wallet balance, major units."
)
@config_option
@db_option
def add(
    name: str,
    member_id: str | None,
    phone: str,
    points: int,
    wallet: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Add a loyalty member (no face)."""
    from kiosk.checkout.catalog_csv import parse_price
    from kiosk.members.registry import create_member
    from kiosk.storage import members
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    try:
        member_id = create_member(db, name, phone, member_id=member_id)
        balance = parse_price(wallet, loaded.currency)
    except ValueError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    if points or balance:
        members.wallet_credit(db, f"opening-{member_id}", member_id, balance, kind="topup")
        members.add_points(db, member_id, points)
    click.echo(member_id)


@members_group.command("enroll")
@click.option("--name", required=True)
@click.option(
    "--member-id", help="A new member's id, or an existing member's (e.g. from `members add`)."
)
@click.option("--phone", required=True, help="Its last four digits are the face-pay second factor.")
@click.option(
    "--image", "images", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--consent",
    is_flag=True,
    help="The member has read the consent text and agreed (staff attest).",
)
@click.option(
    "--language", type=click.Choice(["en", "zh_CN"]), default="en", help="Consent text language."
)
@config_option
@db_option
def enroll(
    name: str,
    member_id: str | None,
    phone: str,
    images: tuple[Path, ...],
    consent: bool,
    language: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Enrol a member for face pay from one or more photos.

    Consent is recorded first; without it nothing is encoded. Each photo must show one face,
    large and sharp enough; a photo that does not is refused with the reason. Only the
    encrypted encodings are kept, never the photos.
    """
    from kiosk.members import registry
    from kiosk.members.consent import consent_text
    from kiosk.members.templates import FaceKeyMissing, load_key
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    cfg = loaded.config.face_pay
    if not images:
        click.echo(
            "give at least one --image (the camera enrolment is in the staff screen)", err=True
        )
        sys.exit(EXIT_PROBLEM)
    try:
        key = load_key(cfg.key_env, cfg.key_file_env)
    except FaceKeyMissing as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    db = Database.open(db_url or loaded.database_url)
    try:  # before the consent text: a wrong member id is refused before anyone agrees to it
        created = not registry.existing_for_enrolment(db, member_id, name)
    except ValueError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    click.echo(consent_text(cfg.consent_version, language, cfg.retention_days))
    if not consent and not click.confirm("\nHas the member read this and agreed?", default=False):
        click.echo("no consent: nothing encoded, nothing stored", err=True)
        sys.exit(EXIT_PROBLEM)
    try:
        if created:
            member_id = registry.create_member(db, name, phone, member_id=member_id)
        else:
            registry.set_phone(db, member_id or "", phone)  # an existing member gets a face
        registry.record_consent(db, member_id, cfg)
    except (ValueError, registry.UnknownMember) as e:  # e.g. erased by staff meanwhile
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    encodings = _encode(images, loaded)
    if not encodings:
        if created:
            registry.erase_member(db, member_id or "", reason="enrolment_failed")
        click.echo("no usable photo: the member was not enrolled", err=True)
        sys.exit(EXIT_PROBLEM)
    registry.add_templates(db, key, member_id, encodings)
    click.echo(f"{member_id}: {name} enrolled with {len(encodings)} face template(s)")


def _encode(images: tuple[Path, ...], loaded: object) -> list[object]:
    """Encode each photo, reporting refusals; returns the usable encodings."""
    from kiosk.config import LoadedConfig
    from vision.faces import FaceRefusedError, InvalidImageError, encode_for_enrolment, load_image

    assert isinstance(loaded, LoadedConfig)
    encodings: list[object] = []
    for path in images:
        try:
            encodings.append(encode_for_enrolment(load_image(path), loaded.config.faces.enrolment))
        except FaceRefusedError as e:
            click.echo(f"{path}: refused ({e.reason.value}): {e.message}", err=True)
        except InvalidImageError as e:
            click.echo(f"{path}: not a usable image: {e}", err=True)
    return encodings


@members_group.command("list")
@config_option
@db_option
def list_cmd(config_path: Path | None, db_url: str | None) -> None:
    """Members with their points, wallet and number of face templates."""
    from sqlalchemy import func, select

    from kiosk.storage.engine import Database
    from kiosk.storage.models import FaceTemplateRow, MemberRow

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    with db.read() as s:
        counts = dict(
            list(
                s.execute(
                    select(FaceTemplateRow.member_id, func.count()).group_by(
                        FaceTemplateRow.member_id
                    )
                ).tuples()
            )
        )
        for m in s.scalars(select(MemberRow).order_by(MemberRow.created_at)):
            click.echo(
                f"{m.member_id}  {m.display_name[:24]:<24} {m.status:<7} "
                f"points {m.points_balance:>6}  wallet {m.wallet_balance:>8}  "
                f"faces {counts.get(m.member_id, 0)}"
            )


@members_group.command("erase")
@click.argument("member_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@config_option
@db_option
def erase(member_id: str, yes: bool, config_path: Path | None, db_url: str | None) -> None:
    """Erase a member: face templates destroyed, name and phone removed (database and WAL)."""
    from kiosk.members.registry import UnknownMember, erase_member
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    if not yes:
        click.confirm(f"Erase member {member_id} for good?", abort=True)
    db = Database.open(db_url or loaded.database_url)
    try:
        removed = erase_member(db, member_id)
    except UnknownMember as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_PROBLEM)
    click.echo(f"member {member_id} erased ({removed} face template(s) destroyed)")


@members_group.command("purge")
@config_option
@db_option
def purge(config_path: Path | None, db_url: str | None) -> None:
    """Delete the face templates of members inactive beyond the retention period."""
    from kiosk.members.registry import purge_inactive
    from kiosk.storage.engine import Database

    loaded = load_or_exit(config_path)
    db = Database.open(db_url or loaded.database_url)
    gone = purge_inactive(db, loaded.config.face_pay.retention_days)
    click.echo(
        f"{len(gone)} member(s) past {loaded.config.face_pay.retention_days} days: "
        "templates deleted"
    )
