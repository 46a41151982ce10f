"""The published pages the board pack prints, as sections of ONE HTML document.

Why one document: Chromium prints it once, and a link from one section to another (the summary's
"needs attention" names, the exceptions list, the contents page) becomes a link inside the PDF
instead of a file:// link into the folder the pack was printed from (a staging folder that is
gone after publishing). So each page's body is copied with its links rewritten:

- a link to a page that is in the pack (or to an element of one) points at that section;
- a link to anything else (another page, a CSV, the workbook) keeps its text and loses its
  target: the PDF has no link that leads out of it;
- element ids repeated by several pages (every one-pager has #health) are made unique per
  section, and the references to them within the section (href="#...", for, headers,
  aria-labelledby, ...) follow; a page's first ids stay as they are, so the stylesheet's
  page-specific print rules (the summary's #plan-by-month) still apply;
- images keep working from the document's own folder; scripts, the site navigation, the skip
  link, the breadcrumb and the engineers' footer are left out (the print stylesheet hides them
  anyway; leaving them out also leaves out their links).

The pages are this renderer's own output (autoescaped templates), parsed with the standard
library's HTML parser and written back token by token, so text and entities stay as they were.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_LEFT_OUT_TAGS = {"script", "noscript", "template"}
_LEFT_OUT_CLASSES = {"skip-link", "site-nav", "breadcrumb", "page-footer"}
_ID_LIST_ATTRS = {"headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"}
_LINK_ATTRS = ("href", "xlink:href")
_ID_ATTRS = {"id", "for", "data-table", "list"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Section:
    """A page of the site in the pack: its path in the site and the anchor of its section."""

    page: PurePosixPath  # e.g. projects/PRJ-0001.html
    anchor: str  # e.g. pack-4


class _IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(value for name, value in attrs if name == "id" and value)


def section_ids(html: str, used: set[str], prefix: str) -> dict[str, str]:
    """Each id of the page -> the id it gets in the pack (prefixed when already used)."""
    collector = _IdCollector()
    collector.feed(html)
    mapping: dict[str, str] = {}
    for element_id in collector.ids:
        if element_id in mapping:
            continue
        new = element_id if element_id not in used else f"{prefix}-{element_id}"
        mapping[element_id] = new
        used.add(new)
    return mapping


class _BodyRewriter(HTMLParser):
    def __init__(
        self,
        section: Section,
        ids: dict[str, str],
        targets: dict[PurePosixPath, tuple[Section, dict[str, str]]],
        doc_dir: PurePosixPath,
    ) -> None:
        super().__init__(convert_charrefs=False)
        self.section = section
        self.page_dir = section.page.parent
        self.ids = ids
        self.targets = targets
        self.doc_dir = doc_dir
        self.out: list[str] = []
        self.in_body = False
        self.skip_depth = 0  # > 0 inside an element that is left out

    # -- tokens ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "body":
            self.in_body = False
        if not self.in_body:
            return
        if self.skip_depth:
            if tag not in _VOID:
                self.skip_depth -= 1
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.in_body and not self.skip_depth:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    # comments, the doctype and processing instructions are left out

    # -- rewriting ------------------------------------------------------------------------
    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if tag == "body":
            self.in_body = True
            return
        if not self.in_body:
            return
        if self.skip_depth:
            if tag not in _VOID and not closed:
                self.skip_depth += 1
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in _LEFT_OUT_TAGS or classes & _LEFT_OUT_CLASSES:
            if tag not in _VOID and not closed:
                self.skip_depth = 1
            return
        rewritten = [(name, self._attribute(tag, name, value)) for name, value in attrs]
        if tag == "a" and not any(name in _LINK_ATTRS and value for name, value in rewritten):
            rewritten = [(n, v) for n, v in rewritten if n not in (*_LINK_ATTRS, "download")]
        parts = [tag]
        for name, value in rewritten:
            if value is None and name in (*_LINK_ATTRS, "download"):
                continue
            parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + (" />" if closed else ">"))

    def _attribute(self, tag: str, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if name in _ID_ATTRS:
            return self.ids.get(value, value)
        if name in _ID_LIST_ATTRS:
            return " ".join(self.ids.get(v, v) for v in value.split())
        if name in _LINK_ATTRS:  # an inline chart's SVG <a> links with xlink:href
            return self._href(value)
        if name == "src" and tag in ("img", "source"):
            return self._src(value)
        return value

    def _href(self, href: str) -> str | None:
        """The section (or element) a link leads to inside the pack; None when it leads out."""
        if href.startswith("#"):
            target = self.ids.get(unquote(href[1:]))
            return f"#{target}" if target else None
        if _SCHEME.match(href) or href.startswith("//"):
            return None
        parts = urlsplit(href)
        page = _resolve(self.page_dir, parts.path)
        found = self.targets.get(page) if page is not None else None
        if found is None:
            return None
        section, ids = found
        if parts.fragment and unquote(parts.fragment) in ids:
            return f"#{ids[unquote(parts.fragment)]}"
        return f"#{section.anchor}"

    def _src(self, src: str) -> str:
        if _SCHEME.match(src) or src.startswith("//"):
            return src
        path = _resolve(self.page_dir, urlsplit(src).path)
        if path is None:
            return src
        return posixpath.relpath(str(path), str(self.doc_dir) or ".")


def _resolve(page_dir: PurePosixPath, path: str) -> PurePosixPath | None:
    """A relative URL path as a path from the site root; None when it leaves the site."""
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(str(page_dir), unquote(path)))
    if joined.startswith(".."):
        return None
    return PurePosixPath(joined)


def pack_bodies(site: Path, sections: list[Section], doc_dir: PurePosixPath) -> list[str]:
    """Each section's page body, rewritten for one document in site/doc_dir (see above)."""
    used = {section.anchor for section in sections}
    pages: list[str] = []
    targets: dict[PurePosixPath, tuple[Section, dict[str, str]]] = {}
    for section in sections:
        html = (site / section.page).read_text(encoding="utf-8")
        pages.append(html)
        targets[section.page] = (section, section_ids(html, used, section.anchor))
    bodies = []
    for section, html in zip(sections, pages, strict=True):
        rewriter = _BodyRewriter(section, targets[section.page][1], targets, doc_dir)
        rewriter.feed(html)
        rewriter.close()
        bodies.append("".join(rewriter.out))
    return bodies
