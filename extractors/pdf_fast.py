"""Fast page reading with pypdfium2: the same words pdfplumber's `extract_words` gives, without pdfminer's layout pass.

pdfplumber gets 13-18 pages/s here (pdfminer interprets each page in Python); pdfium's text page already holds every
character with its position, and words come out at ~100 pages/s. Each page is read here first. A page is handed to
pdfplumber instead (`FastPage.words is None`, `FastPage.reason` says why) when it needs what only pdfplumber does, or
when its text cannot be trusted to come out the same:

- ruling lines or boxes that form a grid of at least 2 x 2 cells with text in them are read here too (`table_items`:
  pdfplumber's table finder on the page's path edges, its `Table.extract` on pdfium's characters), except where a
  character is not upright or a lone space pdfium left out falls in a table: those pages go to pdfplumber;
- a /Rotate other than 0 (pdfminer turns the page; pdfium's coordinates stay in user space);
- glyphs without a Unicode mapping (pdfminer writes "(cid:NN)", which the reader uses to refuse undecodable files);
- more than `_MAX_PATH_SEGMENTS` drawn path segments (charts, text turned into outlines): not worth sorting out here.

Words are built as pdfplumber builds them with `x_tolerance_ratio=0.2` and `extra_attrs=["fontname", "size"]`:
consecutive characters of one font and size form a group, a group's characters are clustered into lines by their top
(3 pt), sorted left to right and split at spaces, at gaps wider than 0.2 x the font size and where the text steps back.
Character boxes follow pdfminer: x from the glyph origin over its advance width (the font's /Widths, or the AFM metrics
pdfminer uses for the standard 14 fonts), height = font size, bottom at the font's descent.
Fonts are told apart by name without the subset tag (pdfium reports the /BaseFont, pdfminer the descriptor's
/FontName). Where pdfium and pdfminer part ways (none of it occurs in the fixtures or the development set):
- pdfium splits a ligature into its letters at one origin; they are joined back into one character, as pdfminer has;
- pdfium drops a text object drawn twice on the same spot (fake bold), where pdfminer doubles its letters;
- pdfium generates spaces of its own between text objects (for gaps as small as a quarter of a character: it would
  cut "219/Monday" in three); they are ignored, and words part where pdfplumber parts them;
- a line-end hyphen is reported as U+0002 (U+FFFE in its text) by pdfium and read back as "-";
- a text object whose glyphs pdfium cannot measure (zero width) is left out of its text page. Nearly always that is a
  space drawn on its own (5,307 of 5,308 in the corpus), so its place is kept as a word break (`_Drawn.spaces`); the
  exception was a check-mark bullet from a font pdfium lacked, whose line then reads as running text.
"""

from __future__ import annotations

import ctypes
import functools
import operator
import re
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Word = dict[str, Any]

_Y_TOLERANCE = 3.0  # pdfplumber's default: characters whose tops differ by more start a new line
_X_TOLERANCE_RATIO = 0.2  # as the pdfplumber path: a gap wider than 0.2 x the font size starts a new word
_MAX_PATH_SEGMENTS = 20_000  # beyond this many drawn segments a page is sent to pdfplumber without looking further
_HYPHEN_CHARS = ("\x02", "\ufffe")  # how pdfium reports a hyphen that ends a line (character and text views)


# ---------------------------------------------------------------- raw pdfium calls, bound once with plain-integer
# arguments: the ctypesgen wrappers convert their pointer arguments on every call, which costs more than the call.


def _bind(name: str, restype: Any, *argtypes: Any) -> Any:
    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_P, _I, _F = ctypes.c_void_p, ctypes.c_int, ctypes.c_float


@functools.cache
def _api() -> Any:
    class Api:
        count_chars = _bind("FPDFText_CountChars", _I, _P)
        get_unicode = _bind("FPDFText_GetUnicode", ctypes.c_uint, _P, _I)
        text_object = _bind("FPDFText_GetTextObject", _P, _P, _I)
        char_origin = _bind("FPDFText_GetCharOrigin", _I, _P, _I, _P, _P)
        char_matrix = _bind("FPDFText_GetMatrix", _I, _P, _I, _P)
        map_error = _bind("FPDFText_HasUnicodeMapError", _I, _P, _I)
        loose_box = _bind("FPDFText_GetLooseCharBox", _I, _P, _I, _P)
        is_generated = _bind("FPDFText_IsGenerated", _I, _P, _I)
        object_bounds = _bind("FPDFPageObj_GetBounds", _I, _P, _P, _P, _P, _P)
        font_size = _bind("FPDFTextObj_GetFontSize", _I, _P, _P)
        text_font = _bind("FPDFTextObj_GetFont", _P, _P)
        base_font_name = _bind("FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, _P, ctypes.c_size_t)
        glyph_width = _bind("FPDFFont_GetGlyphWidth", _I, _P, ctypes.c_uint32, _F, _P)
        font_descent = _bind("FPDFFont_GetDescent", _I, _P, _F, _P)
        count_objects = _bind("FPDFPage_CountObjects", _I, _P)
        get_object = _bind("FPDFPage_GetObject", _P, _P, _I)
        form_count = _bind("FPDFFormObj_CountObjects", _I, _P)
        form_object = _bind("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
        object_type = _bind("FPDFPageObj_GetType", _I, _P)
        object_matrix = _bind("FPDFPageObj_GetMatrix", _I, _P, _P)
        count_segments = _bind("FPDFPath_CountSegments", _I, _P)
        get_segment = _bind("FPDFPath_GetPathSegment", _P, _P, _I)
        segment_point = _bind("FPDFPathSegment_GetPoint", _I, _P, _P, _P)
        segment_type = _bind("FPDFPathSegment_GetType", _I, _P)
        segment_close = _bind("FPDFPathSegment_GetClose", _I, _P)

    return Api


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


@functools.cache
def _standard_fonts() -> dict[str, tuple[dict[str, Any], dict[str, int]]]:
    """pdfminer's metrics for the standard 14 fonts (and their common aliases), which it uses instead of the file's."""
    from pdfminer.fontmetrics import FONT_METRICS

    return FONT_METRICS


# ---------------------------------------------------------------- per page


@dataclass
class FastPage:
    page_no: int
    height: float
    words: list[Word] | None  # None: the page must be read with pdfplumber
    reason: str = ""  # why pdfplumber is needed
    chars: int = 0  # non-space characters in pdfium's text (the scan check counts these)
    fallback: list[Word] = field(default_factory=list)  # the words anyway, should pdfplumber fail on the page
    items: list[Any] | None = None  # a page with tables, read here: its lines and tables in reading order


@dataclass
class _Font:
    handle: int
    name: str  # base name without the subset tag ("ABCDEF+Arial-BoldMT" -> "Arial-BoldMT")
    descent: float  # pdfminer's: per unit of font size, negative
    afm: dict[str, int] | None  # the AFM widths (per 1000) pdfminer uses for the standard 14 fonts
    widths: dict[str, float] = field(default_factory=dict)  # advance widths per 1000, as looked up


@dataclass
class _Run:
    """What is constant over one text object: font, size and matrix."""

    font: _Font
    upright: bool
    simple: bool  # no rotation, skew or mirroring: a, d > 0 and b = c = 0
    a: float
    b: float
    c: float
    d: float
    fs: float  # Tf size
    size: float  # pdfminer's size: the height of the glyph box on the page
    top_base: float  # simple runs: top = top_base - baseline, bottom = bottom_base - baseline
    bottom_base: float


def _font(api: Any, handle: int, cache: dict[int, _Font]) -> _Font:
    found = cache.get(handle)
    if found is not None:
        return found
    length = api.base_font_name(handle, None, 0)
    buf = ctypes.create_string_buffer(max(length, 1))
    api.base_font_name(handle, buf, length)
    base = buf.value.decode("utf-8", "replace")
    standard = _standard_fonts().get(base)
    if standard is not None:  # pdfminer takes the AFM metrics over the file's for these names
        descent = float(standard[0].get("Descent", 0)) / 1000  # type: ignore[arg-type]
        afm: dict[str, int] | None = standard[1]
    else:
        value = ctypes.c_float()
        api.font_descent(handle, 1000.0, ctypes.addressof(value))  # the descriptor's Descent, as pdfminer's
        descent = value.value / 1000
        afm = None
    found = _Font(handle=handle, name=base.split("+", 1)[-1], descent=-abs(descent), afm=afm)
    cache[handle] = found
    return found


def _advance(api: Any, font: _Font, ch: str, out: Any) -> float:
    """The glyph's advance width per 1000 units of font size (the font's /Widths, or the AFM's)."""
    width = font.widths.get(ch)
    if width is None:
        width = font.afm.get(ch) if font.afm is not None else None
        if width is None:
            width = out.value if api.glyph_width(font.handle, ord(ch), 1000.0, ctypes.addressof(out)) else 0.0
        font.widths[ch] = width
    return width


def _run(api: Any, textpage: int, index: int, obj: int, height: float, fonts: dict[int, _Font]) -> _Run:
    matrix = pdfium_c.FS_MATRIX()
    api.char_matrix(textpage, index, ctypes.addressof(matrix))
    a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
    size = ctypes.c_float()
    api.font_size(obj, ctypes.addressof(size))
    fs = size.value
    font = _font(api, api.text_font(obj) or 0, fonts)
    # Glyph box in text space: (0, descent x fs) .. (advance, (descent + 1) x fs), through the matrix (pdfminer's).
    y_low = font.descent * fs
    y_high = y_low + fs
    simple = b == 0 and c == 0 and a > 0 and d > 0
    # pdfminer's size is the glyph box's height on the page; under rotation or skew it varies with the advance, and
    # the vertical scale stands in for it (such text is rare and mostly not upright, which the layout drops anyway).
    glyph_height = d * fs if simple else (c * c + d * d) ** 0.5 * fs
    return _Run(
        font=font,
        upright=a * d > 0 and b * c <= 0,
        simple=simple,
        a=a,
        b=b,
        c=c,
        d=d,
        fs=fs,
        size=glyph_height,
        top_base=height - d * y_high,
        bottom_base=height - d * y_low,
    )


def read_chars(textpage_handle: Any, height: float, text: str) -> tuple[list[tuple[Any, ...]], str]:
    """Characters of one page in pdfium's order: (text, x0, x1, top, bottom, size, fontname, upright).

    Spaces and line breaks pdfium generated are left out (pdfplumber has no such characters); `text` is the page's text
    as `get_text_range` gave it (its characters are pdfium's, one for one, when its length equals the character count).
    Returns the characters and a reason to use pdfplumber instead ("" when there is none).
    """
    api = _api()
    tp = _address(textpage_handle)
    n = api.count_chars(tp)
    one_for_one = len(text) == n
    fonts: dict[int, _Font] = {}
    runs: dict[int, _Run] = {}
    ox, oy, width_out = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    ox_at, oy_at = ctypes.addressof(ox), ctypes.addressof(oy)
    text_object, char_origin, get_unicode = api.text_object, api.char_origin, api.get_unicode
    map_error, is_generated = api.map_error, api.is_generated
    chars: list[tuple[Any, ...]] = []
    append = chars.append
    last_obj, last_x0 = 0, -1.0
    box = pdfium_c.FS_RECTF()
    box_at = ctypes.addressof(box)
    # This loop runs once per character of the document (hundreds of thousands on a long one), so what is constant
    # over a text object is unpacked into locals when the object changes, not looked up per character.
    run_obj = 0
    run: _Run | None = None
    upright = simple = False
    widths: dict[str, float] = {}
    a = fs = top_base = bottom_base = size = 0.0
    name = ""
    for i in range(n):
        obj = text_object(tp, i)
        ch = text[i] if one_for_one else chr(get_unicode(tp, i))
        if not obj or (ch == " " and is_generated(tp, i)):
            # pdfium's own space or line break. Where the file has a space glyph pdfium kept it, or left it out as a
            # zero-width object (`_Drawn.spaces`); otherwise words part on the gap alone, as in pdfplumber.
            continue
        if obj != run_obj:
            run = runs.get(obj)
            if run is None:
                run = runs[obj] = _run(api, tp, i, obj, height, fonts)
                # Checked once per text object: a font either maps its glyphs to Unicode or it does not.
                if map_error(tp, i):
                    return [], "glyphs without a Unicode mapping"
            run_obj = obj
            upright, simple, widths, name, size = run.upright, run.simple, run.font.widths, run.font.name, run.size
            a, fs, top_base, bottom_base = run.a, run.fs, run.top_base, run.bottom_base
        if ch in _HYPHEN_CHARS:
            ch = "-"
        if not upright:
            append((ch, 0.0, 0.0, 0.0, 0.0, size, name, False))
            continue
        char_origin(tp, i, ox_at, oy_at)
        x0, y = ox.value, oy.value
        if obj == last_obj and x0 == last_x0 and chars:
            # pdfium splits a ligature ("fi") into pieces at one origin; pdfminer has one character, as wide as the
            # ligature's advance (or ink, where that reaches further: pdfium's loose box covers both).
            api.loose_box(tp, i, box_at)
            prev = chars[-1]
            right = max(prev[2], box.right) if simple else prev[2]
            chars[-1] = (prev[0] + ch, prev[1], right, *prev[3:])
            continue
        last_obj, last_x0 = obj, x0
        width = widths.get(ch)
        if width is None:
            width = _advance(api, run.font, ch, width_out)  # type: ignore[union-attr]
        advance = width * 0.001 * fs
        if simple:
            append((ch, x0, x0 + a * advance, top_base - y, bottom_base - y, size, name, True))
        else:
            x0, x1, top, bottom = _general_box(run, advance, x0, y, height)  # type: ignore[arg-type]
            append((ch, x0, x1, top, bottom, size, name, True))
    return chars, ""


def _general_box(run: _Run, advance: float, ex: float, ey: float, height: float) -> tuple[float, ...]:
    """pdfminer's glyph box for a rotated, skewed or mirrored run: the text-space box through the matrix."""
    y_low = run.font.descent * run.fs
    y_high = y_low + run.fs
    a, b, c, d = run.a, run.b, run.c, run.d
    xs = (c * y_low + ex, a * advance + c * y_low + ex, c * y_high + ex, a * advance + c * y_high + ex)
    ys = (d * y_low + ey, b * advance + d * y_low + ey, d * y_high + ey, b * advance + d * y_high + ey)
    return min(xs), max(xs), height - max(ys), height - min(ys)


def chars_to_words(chars: list[tuple[Any, ...]], spaces: list[tuple[float, float]] | None = None) -> list[Word]:
    """pdfplumber's `extract_words` over these characters (upright words only: the layout drops the others).

    `spaces` are points (x, baseline top) where a space was drawn that pdfium left out: a word ends there.
    """
    words: list[Word] = []
    start = 0
    n = len(chars)
    while start < n:
        first = chars[start]
        size, name, upright = first[5], first[6], first[7]
        end = start + 1
        while end < n:
            ch = chars[end]
            if ch[5] != size or ch[6] != name or ch[7] != upright:
                break
            end += 1
        if upright:
            _group_words(chars[start:end], words, spaces or [], size, name)
        start = end
    return words


_x0 = operator.itemgetter(1)  # a character's x0, the key lines are sorted by (in C: one call per character)


def _group_words(
    group: list[tuple[Any, ...]], words: list[Word], spaces: list[tuple[float, float]], size: float, name: str
) -> None:
    """One run of a font and size: pdfplumber's cluster_objects by top (distinct tops chained within the tolerance,
    lines in top order), each line sorted left to right and cut into words."""
    tops = sorted({ch[3] for ch in group})
    if tops[-1] - tops[0] <= _Y_TOLERANCE:
        lines = [group]
    else:
        cluster_of: dict[float, int] = {}
        cluster = 0
        last = tops[0]
        for top in tops:
            if top > last + _Y_TOLERANCE:
                cluster += 1
            cluster_of[top] = cluster
            last = top
        by_cluster: list[list[tuple[Any, ...]]] = [[] for _ in range(cluster + 1)]
        for ch in group:
            by_cluster[cluster_of[ch[3]]].append(ch)
        lines = by_cluster
    tolerance = _X_TOLERANCE_RATIO * size
    for line in lines:
        line = sorted(line, key=_x0)
        gaps: list[float] = []
        if spaces:
            line_top = min(ch[3] for ch in line)
            line_bottom = max(ch[4] for ch in line)
            gaps = [sx for sx, sy in spaces if line_top <= sy <= line_bottom]
        text: list[str] = []
        x0 = x1 = top = bottom = 0.0
        prev: tuple[Any, ...] = ()
        for ch in line:
            c_text, c_x0, c_x1, c_top, c_bottom = ch[0], ch[1], ch[2], ch[3], ch[4]
            if c_text.isspace():
                if text:
                    words.append(_word(text, x0, x1, top, bottom, name, size))
                    text = []
                continue
            if text and (
                c_x0 < prev[1]
                or c_x0 > prev[2] + tolerance
                or abs(c_top - prev[3]) > _Y_TOLERANCE
                or (gaps and any((prev[1] + prev[2]) / 2 < x <= c_x0 + 0.01 for x in gaps))
            ):
                words.append(_word(text, x0, x1, top, bottom, name, size))
                text = []
            if text:
                text.append(c_text)
                if c_x1 > x1:
                    x1 = c_x1
                if c_top < top:
                    top = c_top
                if c_bottom > bottom:
                    bottom = c_bottom
            else:
                text = [c_text]
                x0, x1, top, bottom = c_x0, c_x1, c_top, c_bottom
            prev = ch
        if text:
            words.append(_word(text, x0, x1, top, bottom, name, size))


def _word(text: list[str], x0: float, x1: float, top: float, bottom: float, name: str, size: float) -> Word:
    # A line's characters are sorted by x0, so the first one's x0 is the word's (as pdfplumber's min).
    return {"text": "".join(text), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "upright": True,
            "fontname": name, "size": size}


# ---------------------------------------------------------------- ruling lines


@dataclass
class _Drawn:
    edges: list[Word] | None  # None: too many path segments to look at
    spaces: list[tuple[float, float]]  # (x, baseline top) of text objects pdfium skips: spaces drawn on their own


def _walk_objects(api: Any, page_handle: int, height: float) -> _Drawn:
    """The page's path edges, as pdfplumber's `page.edges`, and where a lone space was drawn.

    pdfium leaves text objects of zero width (a space drawn by itself, as Word does between some words) out of its
    text page, and does not always generate a space in their place; pdfminer keeps them, so they still separate words.
    """
    drawn = _Drawn(edges=[], spaces=[])
    budget = [_MAX_PATH_SEGMENTS]
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    bounds = [ctypes.c_float() for _ in range(4)]
    bounds_at = [ctypes.addressof(v) for v in bounds]
    text_kind, path_kind, form_kind = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM

    def walk(count: int, get: Any, parent: tuple[float, ...]) -> None:
        for k in range(count):
            obj = get(k)
            if not obj:
                continue
            kind = api.object_type(obj)
            if kind == text_kind:
                api.object_bounds(obj, *bounds_at)
                left, bottom, right = bounds[0].value, bounds[1].value, bounds[2].value
                if right - left < 0.01:
                    a, b, c, d, e, f = parent
                    drawn.spaces.append((a * left + c * bottom + e, height - (b * left + d * bottom + f)))
                continue
            if kind not in (path_kind, form_kind):
                continue
            api.object_matrix(obj, ctypes.addressof(matrix))
            m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent)
            if kind == form_kind:
                walk(api.form_count(obj), lambda j, o=obj: api.form_object(o, j), m)
                continue
            if drawn.edges is None:
                continue
            segments = api.count_segments(obj)
            budget[0] -= segments
            if budget[0] < 0:
                drawn.edges = None
                continue
            _segments_to_edges(api, obj, segments, m, height, drawn.edges, x, y)

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    walk(api.count_objects(page_handle), lambda k: api.get_object(page_handle, k), identity)
    return drawn


def _compose(m: tuple[float, ...], parent: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    pa, pb, pc, pd, pe, pf = parent
    return (
        a * pa + b * pc,
        a * pb + b * pd,
        c * pa + d * pc,
        c * pb + d * pd,
        e * pa + f * pc + pe,
        e * pb + f * pd + pf,
    )


def _segments_to_edges(
    api: Any, obj: int, count: int, m: tuple[float, ...], height: float, edges: list[Word], x: Any, y: Any
) -> None:
    """Edges as pdfminer and pdfplumber make them: per subpath, the end point of each segment (not Bezier control
    points) joined to the next, the closing segment included; a lone line segment is an edge even when slanted."""
    a, b, c, d, e, f = m
    subpath: list[tuple[float, float]] = []
    bezier = 0
    for k in range(count):
        seg = api.get_segment(obj, k)
        if not seg:
            continue
        kind = api.segment_type(seg)
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point
        else:
            bezier = 0
        api.segment_point(seg, ctypes.addressof(x), ctypes.addressof(y))
        px, py = x.value, y.value
        point = (a * px + c * py + e, height - (b * px + d * py + f))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            _subpath_edges(subpath, edges)
            subpath = []
        subpath.append(point)
        if api.segment_close(seg) and subpath:
            subpath.append(subpath[0])
    _subpath_edges(subpath, edges)


def _subpath_edges(points: list[tuple[float, float]], edges: list[Word]) -> None:
    if len(points) == 2 or (len(points) == 3 and points[2] == points[0]):
        # pdfminer's LTLine; pdfplumber calls it horizontal when flat and vertical otherwise, slanted or not.
        _add_edge(points[0], points[1], edges, slanted="v")
        return
    for p0, p1 in zip(points, points[1:], strict=False):
        _add_edge(p0, p1, edges)


def _add_edge(p0: tuple[float, float], p1: tuple[float, float], edges: list[Word], slanted: str = "") -> None:
    # Near-equality (pdfium works in single precision): a page may go to pdfplumber needlessly, never the reverse.
    if abs(p0[1] - p1[1]) < 0.01:
        orientation = "h"
    elif abs(p0[0] - p1[0]) < 0.01:
        orientation = "v"
    elif slanted:
        orientation = slanted
    else:
        return
    x0, x1 = sorted((p0[0], p1[0]))
    top, bottom = sorted((p0[1], p1[1]))
    edges.append({"object_type": "curve_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                  "width": x1 - x0, "height": bottom - top, "orientation": orientation})


def _table_cells(edges: list[Word]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's table finder with its default settings ("lines"), run on these edges: the cell groups its
    `find_tables` would make tables of."""
    h = sum(1 for e in edges if e["orientation"] == "h" and e["width"] >= 1)
    v = sum(1 for e in edges if e["orientation"] == "v" and e["height"] >= 1)
    if h < 3 or v < 3:
        return []  # 2 rows need 3 horizontal rules, 2 columns 3 vertical ones
    from pdfplumber.table import (
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    from pdfplumber.utils import filter_edges

    s = TableSettings.resolve(None)
    base = filter_edges(edges, "v", min_length=s.edge_min_length_prefilter) + filter_edges(
        edges, "h", min_length=s.edge_min_length_prefilter
    )
    merged = merge_edges(base, s.snap_x_tolerance, s.snap_y_tolerance, s.join_x_tolerance, s.join_y_tolerance)
    merged = filter_edges(merged, min_length=s.edge_min_length)
    cells = intersections_to_cells(
        edges_to_intersections(merged, s.intersection_x_tolerance, s.intersection_y_tolerance)
    )
    return cells_to_tables(cells)


def may_hold_table(edges: list[Word], chars: list[tuple[Any, ...]],
                   groups: list[list[tuple[float, float, float, float]]] | None = None) -> bool:
    """Whether pdfplumber's reader would keep a table here: its table finder (default settings, run on these edges)
    gives a grid of 2+ rows and 2+ columns of cells with some text in them (pdf_layout.page_items drops the others,
    such as a banner's empty boxes, and reads their page's words as running text)."""
    # Text in a cell, tested as pdfplumber's Table.extract places characters (by their centre). Characters not
    # upright carry no position here, so a page with any counts as having text.
    grids = [table for table in (_table_cells(edges) if groups is None else groups)
             if len({cell[1] for cell in table}) >= 2 and len({cell[0] for cell in table}) >= 2]
    if not grids:
        return False
    if any(not ch[7] for ch in chars):
        return True
    return any(_any_inside(chars, table) for table in grids)


class _CharsPage:
    """What pdfplumber's `Table.extract` reads of its page: the characters, as pdfplumber's dicts."""

    def __init__(self, chars: list[tuple[Any, ...]]) -> None:
        self.chars = [{"text": ch[0], "x0": ch[1], "x1": ch[2], "top": ch[3], "bottom": ch[4], "doctop": ch[3],
                       "upright": True, "size": ch[5], "fontname": ch[6]} for ch in chars]


def table_items(chars: list[tuple[Any, ...]], words: list[Word], drawn: _Drawn,
                groups: list[list[tuple[float, float, float, float]]], page_no: int, height: float) -> list[Any] | None:
    """A page with ruling lines read here, tables and all: pdfplumber's table finder on pdfium's edges (as
    `may_hold_table` already ran it) and its `Table.extract` on pdfium's characters, which are pdfminer's boxes
    (see the module's notes); the words outside the tables as pdfplumber's `page_items` has them. So no page is
    parsed twice (pdfplumber took ~80 ms a table page, pdfium ~11 ms). None where the characters cannot stand in
    for pdfplumber's: one not upright (pdfium gives it no box), or a space pdfium left out (`_Drawn.spaces`) inside
    a table, which would part a cell's words in pdfplumber."""
    from pdfplumber.table import Table

    from .pdf_layout import tables_and_words

    if any(not ch[7] for ch in chars):
        return None
    for group in groups:
        x0, top = min(c[0] for c in group), min(c[1] for c in group)
        x1, bottom = max(c[2] for c in group), max(c[3] for c in group)
        if any(x0 - 3 <= x <= x1 + 3 and top - 3 <= y <= bottom + 3 for x, y in drawn.spaces):
            return None
    tables = []
    for group in groups:
        # Each table sees only the characters whose centre is inside it: `Table.extract` tests every character of
        # its page against every row, and a row's characters are all inside the table, so the cells are the same.
        x0, top = min(c[0] for c in group), min(c[1] for c in group)
        x1, bottom = max(c[2] for c in group), max(c[3] for c in group)
        inside = [ch for ch in chars if x0 <= (ch[1] + ch[2]) / 2 < x1 and top <= (ch[3] + ch[4]) / 2 < bottom]
        tables.append(Table(_CharsPage(inside), group))
    return tables_and_words(tables, words, page_no, height)


def _any_inside(chars: list[tuple[Any, ...]], cells: list[tuple[float, float, float, float]]) -> bool:
    """Whether a character that is not a space has its centre in one of the cells. A table page's characters
    are mostly outside its table: the table's box is tested first, the space test and the cells only inside it."""
    x0 = min(c[0] for c in cells)
    top = min(c[1] for c in cells)
    x1 = max(c[2] for c in cells)
    bottom = max(c[3] for c in cells)
    for ch in chars:
        x = (ch[1] + ch[2]) / 2
        if x0 <= x < x1:
            y = (ch[3] + ch[4]) / 2
            if top <= y < bottom and not ch[0].isspace():
                for cx0, ctop, cx1, cbottom in cells:
                    if cx0 <= x < cx1 and ctop <= y < cbottom:
                        return True
    return False


# ---------------------------------------------------------------- entry point


_SPACE_RE = re.compile(r"\s+")


def read_page(page: pdfium.PdfPage, page_no: int) -> FastPage:
    """One page's words, or why pdfplumber must read it."""
    left, bottom, right, top = page.get_mediabox()
    height = abs(top - bottom)
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        result = FastPage(page_no=page_no, height=height, words=None, chars=len(_SPACE_RE.sub("", text)))
        chars, result.reason = read_chars(textpage.raw, height, text)
    finally:
        textpage.close()
    if not result.reason and page.get_rotation() % 360:
        result.reason = "rotated page"
    drawn = _walk_objects(_api(), _address(page.raw), height)
    words = chars_to_words(chars, drawn.spaces)
    if not result.reason:
        if drawn.edges is None:
            result.reason = "too many drawn paths"
        elif may_hold_table(drawn.edges, chars, groups := _table_cells(drawn.edges)):
            result.items = table_items(chars, words, drawn, groups, page_no, height)
            if result.items is None:
                result.reason = "ruling lines that may form a table"
    if result.reason:
        result.fallback = words
    else:
        result.words = words
    return result
