"""Read a page's form as a browser would submit it: every named control and its state.

Used by the tests that post a form back with other choices and check that the
page shows every select, radio and tick as it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser


@dataclass
class Option:
    """One option of a select, one radio or one checkbox."""

    value: str
    on: bool


@dataclass
class Controls:
    """The named controls of one form."""

    action: str = ""
    selects: dict[str, list[Option]] = field(default_factory=dict)
    radios: dict[str, list[Option]] = field(default_factory=dict)
    checkboxes: dict[str, list[Option]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def chosen(self) -> dict[str, list[str]]:
        """Per name, what a browser would submit for the selects, radios and checkboxes."""
        out: dict[str, list[str]] = {}
        for group in (self.selects, self.radios, self.checkboxes):
            for name, options in group.items():
                out[name] = [o.value for o in options if o.on]
        for name, options in self.selects.items():
            if not out[name] and options:  # a select without a selected option sends its first
                out[name] = [options[0].value]
        return out

    def data(self) -> dict[str, list[str]]:
        """The whole submission: text fields as shown plus the chosen options."""
        return {**{k: [v] for k, v in self.texts.items()}, **self.chosen()}


class _Reader(HTMLParser):
    def __init__(self, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted_action = action
        self.forms: list[Controls] = []
        self.current: Controls | None = None
        self.select: str | None = None
        self.option: dict[str, str | None] | None = None
        self.option_text = ""
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = Controls(action=a.get("action") or "")
            self.forms.append(self.current)
        if self.current is None:
            return
        name = a.get("name")
        if tag == "select" and name:
            self.select = name
            self.current.selects[name] = []
        elif tag == "option" and self.select:
            self.option, self.option_text = a, ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.current.texts[name] = ""
        elif tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            on = "checked" in a
            if kind == "radio":
                self.current.radios.setdefault(name, []).append(Option(a.get("value") or "", on))
            elif kind == "checkbox":
                self.current.checkboxes.setdefault(name, []).append(
                    Option(a.get("value") or "on", on)
                )
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.current.texts[name] = a.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option_text += data
        if self.textarea is not None and self.current is not None:
            self.current.texts[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.option is not None and self.select and self.current:
            value = self.option.get("value")
            self.current.selects[self.select].append(
                Option(
                    value if value is not None else self.option_text.strip(),
                    "selected" in self.option,
                )
            )
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.current is not None:
                text = self.current.texts[self.textarea]
                # A browser drops one line end right after <textarea> (WTForms writes CRLF).
                self.current.texts[self.textarea] = text.removeprefix("\r").removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.current = None


def form_controls(html: str, action: str | None = None) -> Controls:
    """The controls of the page's post form (the one whose action contains ``action``)."""
    reader = _Reader(action)
    reader.feed(html)
    forms = [f for f in reader.forms if action is None or action in f.action]
    assert forms, f"no post form with action {action!r}"
    return max(forms, key=lambda f: len(f.selects) + len(f.radios) + len(f.texts))


def other_choices(controls: Controls) -> dict[str, list[str]]:
    """A choice for every control unlike its default: the last option, every box ticked."""
    out: dict[str, list[str]] = {}
    for name, options in controls.selects.items():
        values = [o.value for o in options if o.value != ""]
        out[name] = values[-1:] if values else []
    for name, options in controls.radios.items():
        out[name] = [options[-1].value]
    for name, options in controls.checkboxes.items():
        out[name] = [o.value for o in options]
    return out
