"""View state in the URL: a copied link reopens exactly the same view.

Usage in a page (widgets get ``key=`` equal to the parameter name and no default
of their own: the default comes from the URL through Session State)::

    lang = state.language_selector()
    domain = state.bind("domain", "education", options=DOMAINS)
    st.selectbox(t("facility_type", lang), DOMAINS, key="domain")
    minutes = state.bind("max_min", 30, cast=int, bounds=(5, 120))
    st.slider("…", 5, 120, key="max_min")
    state.sync(domain=st.session_state["domain"], max_min=st.session_state["max_min"])
    state.copy_link(lang)

Every value read from the URL is validated (cast, options, bounds); anything
invalid, such as ``'; DROP TABLE units; --``, falls back to the default, so only
declared values ever reach a query (which binds them as parameters anyway).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from ui.i18n import DEFAULT_LANG, LANGS, normalise_lang, plain, t

__all__ = [
    "as_bool", "bind", "bind_list", "copy_link", "current_url", "language_selector", "parse",
    "parse_list", "serialise", "share_url", "sync", "year_selector",
]

_MAX_LEN = 200  # longer parameter values are never valid


def as_bool(text: str) -> bool:
    """Parse ``1/0``, ``true/false``, ``yes/no``, ``on/off``; raise ``ValueError`` otherwise.

    >>> as_bool("1"), as_bool("False")
    (True, False)
    """
    v = text.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def serialise(value: Any) -> str | list[str]:
    """The URL form of a value: booleans as ``1``/``0``, lists as repeated parameters.

    >>> serialise(True), serialise(2.5), serialise(30), serialise(["a", "b"])
    ('1', '2.5', '30', ['a', 'b'])
    """
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return [str(serialise(v)) for v in value]
    return str(value)


def _cast_one(raw: Any, cast: Callable[[str], Any]) -> Any:
    if raw is None or len(str(raw)) > _MAX_LEN:
        raise ValueError("missing or too long")
    value = cast(str(raw))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not finite")
    return value


def parse(
    raw: Any,
    default: Any,
    options: Sequence[Any] | None = None,
    cast: Callable[[str], Any] = str,
    bounds: tuple[float, float] | None = None,
) -> Any:
    """Validate one raw URL value; return ``default`` when it is missing or invalid.

    Parameters
    ----------
    raw : str or None
        The value from ``st.query_params``.
    default : Any
        Returned when ``raw`` is missing, fails ``cast``, is not in ``options``
        or lies outside ``bounds``.
    options : sequence, optional
        The allowed values (after ``cast``).
    cast : callable
        ``str``, ``int``, ``float`` or :func:`as_bool`.
    bounds : (low, high), optional
        Inclusive range for numbers.

    Examples
    --------
    >>> parse("health", "education", options=["education", "health"])
    'health'
    >>> parse("'; DROP TABLE units; --", "education", options=["education", "health"])
    'education'
    >>> parse("45", 30, cast=int, bounds=(5, 120)), parse("999", 30, cast=int, bounds=(5, 120))
    (45, 30)
    >>> parse("nan", 1.0, cast=float)
    1.0
    """
    try:
        value = _cast_one(raw, cast)
    except (TypeError, ValueError, OverflowError):
        return default
    if options is not None and value not in options:
        return default
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        return default
    return value


def parse_list(
    raw: Iterable[Any], default: Sequence[Any], options: Sequence[Any], cast: Callable[[str], Any] = str
) -> list[Any]:
    """Validate a repeated parameter: keep the valid values in order, drop the rest.

    Returns ``list(default)`` when nothing valid is left.

    >>> parse_list(["clinic", "<x>", "school"], ["school"], ["school", "clinic"])
    ['clinic', 'school']
    >>> parse_list(["<x>"], ["school"], ["school", "clinic"])
    ['school']
    """
    out: list[Any] = []
    for r in raw:
        v = parse(r, None, options=options, cast=cast)
        if v is not None and v not in out:
            out.append(v)
    return out or list(default)


def bind(
    name: str,
    default: Any,
    options: Sequence[Any] | None = None,
    cast: Callable[[str], Any] = str,
    bounds: tuple[float, float] | None = None,
) -> Any:
    """The current value of view parameter ``name``, seeding the widget with ``key=name``.

    On the first run of a session the value comes from the URL (validated with
    :func:`parse`) and is stored in ``st.session_state[name]``, so a widget created
    afterwards with ``key=name`` shows it. On later runs the widget's value wins.
    Create the widget without its own ``index``/``value``/``default``.
    """
    import streamlit as st

    if name in st.session_state:
        current = st.session_state[name]
        if options is None or current in options:
            return current
    value = parse(st.query_params.get(name), default, options, cast, bounds)
    st.session_state[name] = value
    return value


def bind_list(
    name: str, default: Sequence[Any], options: Sequence[Any], cast: Callable[[str], Any] = str
) -> list[Any]:
    """Like :func:`bind` for a multi-select (a repeated URL parameter)."""
    import streamlit as st

    if name in st.session_state:
        current = st.session_state[name]
        if isinstance(current, (list, tuple)) and all(v in options for v in current):
            return list(current)
    value = parse_list(st.query_params.get_all(name), default, options, cast)
    st.session_state[name] = value
    return value


def sync(**values: Any) -> None:
    """Write the current view values to the URL (only those that changed).

    Every value is written, defaults included, so a shared link keeps its meaning
    even if a later release changes a default. ``None`` removes the parameter.
    """
    import streamlit as st

    for name, value in values.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
            continue
        new = serialise(value)
        old = st.query_params.get_all(name) if isinstance(new, list) else st.query_params.get(name)
        if old != new:
            st.query_params[name] = new


def language_selector(container: Any = None) -> str:
    """A 中文/English switch bound to the ``lang`` parameter; returns the chosen code.

    The URL value is read as :func:`ui.i18n.normalise_lang` reads it (``EN`` is English,
    anything unknown Chinese) and written back normalised, so the switch, the pages
    (:func:`ui.i18n.current_lang`) and the link all show the same language.
    """
    import streamlit as st

    where = container if container is not None else st.sidebar
    bind("lang", DEFAULT_LANG, options=LANGS, cast=normalise_lang)
    lang = where.segmented_control(
        t("language", st.session_state["lang"]), LANGS, key="lang", required=True,
        format_func=lambda code: t(f"lang.{code}"),
    )
    lang = lang if lang in LANGS else DEFAULT_LANG
    sync(lang=lang)
    return lang


def year_selector(lang: str, container: Any = None) -> int | None:
    """The data year, bound to the ``year`` parameter: a select box in the sidebar when the
    registers span two years or more (default the latest); the chosen year is what every
    loader of the session shows (:func:`ui.data.set_year`). Returns it (``None`` when there is
    only one year, or none)."""
    import streamlit as st

    from ui.data import data_years, set_year

    years = data_years()
    if len(years) < 2:
        set_year(None)
        sync(year=None)
        return years[0] if years else None
    where = container if container is not None else st.sidebar
    bind("year", years[-1], options=years, cast=int)
    year = where.selectbox(t("year.select", lang), years, key="year",
                           help=t("year.help", lang, latest=years[-1]))
    set_year(None if year == years[-1] else int(year))
    sync(year=int(year))
    return int(year)


def share_url(base_url: str, params: Mapping[str, Any]) -> str:
    """``base_url`` (its own query and fragment dropped) with ``params`` URL-encoded.

    >>> share_url("http://127.0.0.1:8501/health?x=1#a", {"lang": "en", "t": ["a b", "c"]})
    'http://127.0.0.1:8501/health?lang=en&t=a+b&t=c'
    >>> share_url("/health", {"q": "'; DROP TABLE units; --"})
    '/health?q=%27%3B+DROP+TABLE+units%3B+--'
    """
    parts = urlsplit(base_url)
    query = urlencode({k: serialise(v) for k, v in params.items() if v is not None}, doseq=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def current_url() -> str:
    """The shareable URL of the current view: the page address plus ``st.query_params``."""
    import streamlit as st

    base = st.context.url or ""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    return share_url(base, {k: v[0] if len(v) == 1 else v for k, v in params.items()})


# Our own constant HTML: copies the address of the app page (the parent frame),
# which Streamlit keeps in step with st.query_params. No data is ever put in here.
_COPY_HTML = """<!doctype html><html><body style="margin:0;font-family:sans-serif">
<button id="b" style="padding:4px 12px;border:1px solid #bbb;border-radius:6px;background:#fff;
cursor:pointer;font-size:14px">{label}</button><span id="s" style="margin-left:8px;color:#2e7d32;
font-size:13px"></span>
<script>
document.getElementById("b").addEventListener("click", function () {{
  var url = window.parent.location.href;
  navigator.clipboard.writeText(url).then(function () {{
    document.getElementById("s").textContent = "{done}";
  }});
}});
</script></body></html>"""


def copy_link_html(lang: str = DEFAULT_LANG) -> str:
    """The constant copy-button snippet in ``lang`` (labels are our own constants)."""
    return _COPY_HTML.format(label=plain(t("share.copy_link", lang)), done=plain(t("share.copied", lang)))


def copy_link(lang: str = DEFAULT_LANG, container: Any = None) -> str:
    """Show the link to this view (``st.code`` has its own copy icon) and a copy button.

    Returns the URL shown.
    """
    import streamlit as st

    where = container if container is not None else st
    url = current_url()
    where.caption(t("share.help", lang))
    where.code(url, language=None, wrap_lines=True)
    where.iframe(copy_link_html(lang), height=40)
    return url
