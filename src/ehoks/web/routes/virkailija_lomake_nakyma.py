"""The HOKS form as the template draws it: a tree of controls built from the form's fields
(``web.lomake.kentat``) and a draft, every label, option and error already in the page's
language. One step per part of the data model, as the original's ten-step form; no router
lives here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ehoks.hoks.schemas.spec import ROOT
from ehoks.kernel.oids import is_organisaatio_oid
from ehoks.web import i18n
from ehoks.web.lomake.kentat import Kentta, Variant, field_of, fields
from ehoks.web.lomake.koodit import Koodit, Vaihtoehto
from ehoks.web.lomake.luonnos import Draft, parse_path
from ehoks.web.lomake.muutokset import Askel, Muutos, place_of
from ehoks.web.lomake.virheet import GENERIC as GENERIC_RULE
from ehoks.web.lomake.virheet import Virhe
from ehoks.web.routes import virkailija_lomake_tekstit as t

# The original's steps: basic data, prior competence, units to acquire, TUVA, support.
STEP_ORDER = (
    "aiemmin-hankitut-ammat-tutkinnon-osat",
    "aiemmin-hankitut-paikalliset-tutkinnon-osat",
    "aiemmin-hankitut-yhteiset-tutkinnon-osat",
    "hankittavat-ammat-tutkinnon-osat",
    "hankittavat-paikalliset-tutkinnon-osat",
    "hankittavat-yhteiset-tutkinnon-osat",
    "hankittavat-koulutuksen-osat",
    "oppimisen-tuki",
    "opiskeluvalmiuksia-tukevat-opinnot",
)
BASIC = "perustiedot"
ORGANISAATIO_OID = "OrganisaatioOID"
_NOT_ID = re.compile(r"[^a-z0-9-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOCAL_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


def id_of(path: str) -> str:
    """An element id for a form path (``a[0].b`` → ``k-a_0_b``)."""
    return "k-" + _NOT_ID.sub("_", path).strip("_") if path else "lomake"


@dataclass
class Solmu:
    """One control or group of the form."""

    kind: str
    name: str
    label: str = ""
    value: str = ""
    required: bool = False
    error: str | None = None
    hint: str | None = None
    options: list[Vaihtoehto] = field(default_factory=list)
    datalist: str | None = None  # a long code list: suggestions of this datalist id
    chosen: str | None = None  # a long code list: the chosen code's name
    organisation: str | None = None  # an organisation OID: the organisation's name
    versio_name: str = ""
    versio_value: str = ""
    children: list[Solmu] = field(default_factory=list)
    items: list[Solmu] = field(default_factory=list)
    add_label: str = ""
    new_item: str = ""  # a list: the id the next added item gets
    note: str | None = None  # a form started from an earlier plan: where the value came from

    @property
    def id(self) -> str:
        return id_of(self.name)

    @property
    def describedby(self) -> str:
        """The ids of the field's hint and error, for ``aria-describedby``."""
        ids = [
            f"{self.id}-hint" if self.hint else "",
            f"{self.id}-origin" if self.note else "",
            f"{self.id}-error" if self.error else "",
        ]
        return " ".join(i for i in ids if i)

    @property
    def input_type(self) -> str:
        """A date field shows what was typed when it is no date (a date input would empty it)."""
        if self.kind == "date":
            return "date" if not self.value or _ISO_DATE.fullmatch(self.value) else "text"
        if self.kind == "datetime":
            return (
                "datetime-local"
                if not self.value or _LOCAL_MOMENT.fullmatch(self.value)
                else "text"
            )
        return "tel" if self.kind == "tel" else "text"


@dataclass
class Osio:
    """A step of the form."""

    id: str
    title: str
    nodes: list[Solmu]
    count: int | None
    errors: int


@dataclass
class Yhteenveto:
    """An entry of the error summary: the field's id and the sentence."""

    id: str
    text: str


class Sanat:
    """Translations of the page's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._translations = i18n.translations(lang)

    def __call__(self, message: str, /, **params: Any) -> str:
        text = str(self._translations.gettext(message))
        return text % params if params else text

    def label(self, entity: str, key: str) -> str:
        message = t.OVERRIDES.get((entity, key)) or t.LABELS.get(key)
        return self(message) if message else key

    def item(self, entity: str, number: int) -> str:
        message = t.ITEM_TITLES.get(entity)
        return self(message, n=number) if message else str(number)

    def crumbs(self, steps: list[Askel] | tuple[Askel, ...]) -> list[str]:
        """Where a field is, in words: "Hankittavat ammatilliset tutkinnon osat › Ammatillinen
        tutkinnon osa 1 › Osaamisen hankkimistapa 2 › Loppupäivä"."""
        words = []
        for step in steps:
            kentta = field_of(step.entity, step.key, "put")
            if step.index is None or kentta is None:
                words.append(self.label(step.entity, step.key))
                continue
            if step.entity == ROOT:
                words.append(self.label(step.entity, step.key))
            words.append(self.item(kentta.child_entity, step.index + 1))
        return words

    def where(self, path: str, variant: Variant) -> str:
        segments = parse_path(path) if path else None
        steps = place_of(segments, variant)[0] if segments else []
        return " › ".join(self.crumbs(steps))


def error_texts(
    virheet: list[Virhe], sanat: Sanat, variant: Variant
) -> tuple[dict[str, str], list[Yhteenveto]]:
    """Each placed problem's sentence at its field, and the summary naming the fields."""
    at_fields: dict[str, str] = {}
    summary: list[Yhteenveto] = []
    for virhe in virheet:
        label = sanat.label(virhe.entity, virhe.key) if virhe.key else ""
        message = t.RULES.get(virhe.rule) or t.SERVICE_ERRORS.get(virhe.rule)
        if message is None or virhe.rule == GENERIC_RULE:
            text = sanat(t.GENERIC, field=label or sanat.where(virhe.path, variant))
        else:
            text = sanat(message)
        at_fields[virhe.path] = text
        where = sanat.where(virhe.path, variant)
        entry = sanat(t.SUMMARY_ENTRY, where=where, message=text) if where else text
        summary.append(Yhteenveto(id_of(virhe.path), entry))
    return at_fields, summary


_GROUP_RANK = {"object": 1, "list": 2}
_FIRST_LISTS = ("osaamisen-hankkimistavat",)


def _place_in_item(kentta: Kentta) -> tuple[int, int]:
    return (_GROUP_RANK.get(kentta.kind, 0), 0 if kentta.key in _FIRST_LISTS else 1)


class Rakentaja:
    """Builds the form's tree from a draft."""

    def __init__(
        self,
        sanat: Sanat,
        koodit: Koodit,
        errors: dict[str, str],
        variant: Variant,
        action: str,
        organisation: Callable[[str], str | None] = lambda _: None,
        origin: Callable[[str, Draft | None], str | None] = lambda _key, _item: None,
    ) -> None:
        self.organisation = organisation
        self.origin = origin
        self.sanat = sanat
        self.koodit = koodit
        self.errors = errors
        self.variant = variant
        self.action = action
        self.datalists: set[str] = set()

    def steps(self, draft: Draft) -> list[Osio]:
        root = fields(ROOT, self.variant)
        basic = [k for k in root if k.kind != "list"]
        lists = sorted(
            (k for k in root if k.kind == "list"),
            key=lambda k: STEP_ORDER.index(k.key) if k.key in STEP_ORDER else len(STEP_ORDER),
        )
        basic_nodes = [self.node(k, draft.get(k.key), k.key, draft) for k in basic]
        for node in basic_nodes:
            node.note = self.origin(node.name, None)
        basic_errors = sum(
            1 for path in self.errors if path.split("[")[0] in {k.key for k in basic}
        )
        found = [Osio("osio-" + BASIC, self.sanat(t.BASIC_DATA), basic_nodes, None, basic_errors)]
        for kentta in lists:
            node = self.node(kentta, draft.get(kentta.key), kentta.key, draft)
            errors = sum(
                1 for path in self.errors if path.split("[")[0].split(".")[0] == kentta.key
            )
            found.append(Osio("osio-" + kentta.key, node.label, [node], len(node.items), errors))
        return found

    def node(self, kentta: Kentta, value: Any, path: str, owner: Draft) -> Solmu:
        node = Solmu(
            kentta.kind,
            path,
            label=self.sanat.label(kentta.entity, kentta.key),
            required=kentta.required,
            error=self.errors.get(path),
        )
        hint = t.LINES_HINT if kentta.kind == "lines" else t.HINTS.get(kentta.key)
        node.hint = self.sanat(hint) if hint else None
        if kentta.kind == "object":
            inner = value if isinstance(value, dict) else {}
            node.children = self._children(kentta.child_entity, inner, path)
        elif kentta.kind == "list":
            self._list(node, kentta, value if isinstance(value, list) else [])
        else:
            node.value = value if isinstance(value, str) else ""
            if kentta.type == ORGANISAATIO_OID and is_organisaatio_oid(node.value.strip()):
                node.organisation = self.organisation(node.value.strip())
            if kentta.kind == "koodi":
                self._koodi(node, kentta, owner)
        return node

    def _children(self, entity_name: str, draft: Draft, path: str) -> list[Solmu]:
        # Single values first, then groups, then repeated parts; the learning periods before
        # the demonstrations that end them.
        ordered = sorted(fields(entity_name), key=_place_in_item)
        return [self.node(k, draft.get(k.key), f"{path}.{k.key}", draft) for k in ordered]

    def _list(self, node: Solmu, kentta: Kentta, items: list[Any]) -> None:
        entity_name = kentta.child_entity
        top = "." not in node.name and "[" not in node.name
        for index, item in enumerate(items):
            draft = item if isinstance(item, dict) else {}
            item_path = f"{node.name}[{index}]"
            title = self.sanat.item(entity_name, index + 1)
            named = self._name_of(entity_name, draft)
            node.items.append(
                Solmu(
                    "item",
                    item_path,
                    label=f"{title}: {named}" if named else title,
                    error=self.errors.get(item_path),
                    children=self._children(entity_name, draft, item_path),
                    # Only the plan's own collections carry items from an earlier plan.
                    note=self.origin(node.name, draft) if top else None,
                )
            )
        add = t.ADD_LABELS.get(entity_name)
        node.add_label = self.sanat(add) if add else node.label
        node.new_item = id_of(f"{node.name}[{len(items)}]")

    def _name_of(self, entity_name: str, draft: Draft) -> str | None:
        """What tells one part from another in its title: its first chosen code, or its name."""
        for kentta in fields(entity_name):
            value = draft.get(kentta.key)
            if not isinstance(value, str) or not value.strip():
                continue
            if kentta.kind == "koodi":
                return self.code_name(kentta.koodisto, value.strip())
            if kentta.key == "nimi":
                return value.strip()
        return None

    def code_name(self, koodisto: str | None, uri: str) -> str:
        return self.koodit.name(koodisto, uri) or self.sanat(t.NAME_MISSING, code=uri)

    def _koodi(self, node: Solmu, kentta: Kentta, owner: Draft) -> None:
        known = self.koodit.lists.get(kentta.koodisto or "")
        offered = list(known.offered) if known else []
        if kentta.versio:
            node.versio_name = node.name[: -len(kentta.key)] + kentta.versio
            kept = owner.get(kentta.versio)
            node.versio_value = kept if isinstance(kept, str) else ""
        current = node.value.strip()
        if known is not None and known.long:
            node.datalist = "koodit-" + known.uri
            self.datalists.add(known.uri)
            node.chosen = self.code_name(kentta.koodisto, current) if current else None
            return
        if current and all(option.value != current for option in offered):
            offered.insert(0, Vaihtoehto(current, self.code_name(kentta.koodisto, current)))
        node.options = offered


def change_rows(
    muutokset: list[Muutos], sanat: Sanat, rakentaja: Rakentaja
) -> list[dict[str, str]]:
    """The changes in words: where, what it was and what it is now."""
    rows = []
    for muutos in muutokset:
        where = " › ".join(sanat.crumbs(muutos.steps))
        if muutos.kind != "changed":
            rows.append(
                {
                    "where": where,
                    "old": "",
                    "new": sanat(t.ADDED if muutos.kind == "added" else t.REMOVED),
                }
            )
            continue
        rows.append(
            {
                "where": where,
                "old": shown_value(muutos.kentta, muutos.old, sanat, rakentaja),
                "new": shown_value(muutos.kentta, muutos.new, sanat, rakentaja),
            }
        )
    return rows


def shown_value(kentta: Kentta | None, value: Any, sanat: Sanat, rakentaja: Rakentaja) -> str:
    if value is None or value == "" or value == []:
        return sanat(t.EMPTY)
    if kentta is None:
        return str(value)
    if isinstance(value, bool):
        return sanat(t.YES if value else t.NO)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if kentta.kind == "koodi":
        return rakentaja.code_name(kentta.koodisto, str(value))
    if kentta.kind == "date":
        return i18n.format_day(str(value), sanat.lang)
    if kentta.kind == "datetime":
        return i18n.format_moment(str(value), sanat.lang)
    if kentta.kind == "number":
        return i18n.format_number(value, sanat.lang)
    return str(value)
