"""A Babel extractor for .kv files: finds `_('text', ...)` calls (see babel.cfg)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

# _('text', ...) or _("text", ...): the first argument, a plain string literal.
CALL = re.compile(r"""(?<![\w.])_\(\s*(?P<q>['"])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""")


def kv_messages(source: str) -> Iterator[tuple[int, str]]:
    """(line number, msgid) for every translatable string in .kv source."""
    for number, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for match in CALL.finditer(line):
            text = match.group("text")
            yield number, text.replace("\\'", "'").replace('\\"', '"')


def extract_kv(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for number, text in kv_messages(source):
        yield number, "_", text, []
