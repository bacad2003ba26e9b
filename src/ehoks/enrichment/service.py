"""Enriching a HOKS: its codes and OIDs turned into what a person reads.

``enrich`` asks the registries in two concurrent rounds:

1. every distinct unit and TUVA module from ePerusteet, every distinct code from Koodisto and
   every distinct organisation from Organisaatiopalvelu, all at once (``batch.Resolver``);
2. the Koodisto names of the unit, sub-area and TUVA codes that ePerusteet could not name (the
   original's title fallback, reference ``ehoks-ui.md`` 3.2), each code once, and only when
   round 1 left some.

So the number of registry calls depends on how many *distinct* things a HOKS names, never on its
size: at most one call per distinct unit code, TUVA code, Koodisto code and organisation OID,
fewer where a batch call applies (one ``findbyoids`` for all the OIDs where the port has it; one
call for a small code list naming several codes, then one for each code the list leaves out),
plus round 2's fallbacks. A failed lookup yields the code with a notice; ``enrich`` itself
does not raise for a registry that is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from ehoks.enrichment import rules
from ehoks.enrichment.batch import DEFAULT_MAX_WORKERS, Answers, Reference, Resolver, references
from ehoks.enrichment.rules import EPERUSTEET, KOODISTO, ORGANISAATIO
from ehoks.enrichment.schemas import (
    ArvioinninKohde,
    ArvioinninKohdealue,
    EnrichedHoks,
    EnrichedPart,
    Kieli,
    Label,
    Location,
    Notice,
    NoticeReason,
    OsaamistasonKriteerit,
    PerusteenOsa,
    Vaatimukset,
    VaatimusKohdealue,
)
from ehoks.hoks.parts import PartRef, walk
from ehoks.registries.eperusteet import schemas as eperusteet
from ehoks.registries.ports import Registries

log = logging.getLogger(__name__)

Teksti = Mapping[str, str]

_TITLE_KINDS = frozenset({"tutkinnon-osa", "osa-alue", "koulutuksen-osa"})


def enrich(
    document: Mapping[str, Any],
    registries: Registries,
    *,
    kieli: str = "fi",
    max_workers: int = DEFAULT_MAX_WORKERS,
    peruste_diaarinumero: str | None = None,
) -> EnrichedHoks:
    """The people-readable view of ``document`` (a HOKS in its read representation).

    ``kieli`` is the reader's language (``fi``, ``sv`` or ``en``; anything else reads as
    Finnish). ``max_workers`` bounds the lookups in flight at once (1 asks one after another).
    ``peruste_diaarinumero`` is the diary number of the study right's qualification, when the
    caller knows it: among the perusteet that contain a unit, the one to describe it by when the
    unit does not name its own (``tutkinnon-osan-perusteen-diaarinro``).
    """
    lang = rules.kieli_of(kieli)
    refs = references(document)
    resolver = Resolver(registries, max_workers=max_workers)
    answers = resolver.resolve(
        koodit=_values(refs, "koodi"),
        organisaatiot=_values(refs, "organisaatio"),
        tutkinnon_osat=_values(refs, "tutkinnon-osa")
        | {r.tutkinnon_osa for r in refs if r.kind == "osa-alue" and r.tutkinnon_osa},
        koulutuksen_osat=_values(refs, "koulutuksen-osa"),
    )
    builder = _Builder(answers, lang, peruste_diaarinumero)
    unnamed = {r.value for r in refs if r.kind in _TITLE_KINDS and not builder.eperusteet_names(r)}
    if unnamed:
        resolver.resolve(koodit=unnamed)

    labels: dict[Location, Label] = {}
    osat: dict[Location, PerusteenOsa] = {}
    for ref in refs:
        if ref.kind in _TITLE_KINDS:
            osa = builder.perusteen_osa(ref)
            osat[ref.owner] = osa
            labels[ref.location] = osa.nimi
        else:
            labels[ref.location] = builder.label(ref)

    frozen_labels = MappingProxyType(labels)
    notices = _distinct_notices(labels.values(), osat.values())
    if notices:
        log.info(
            "Enrichment left %d codes unnamed or undescribed: %s",
            len(notices),
            ", ".join(f"{n.code} ({n.registry}: {n.reason})" for n in notices),
        )
    return EnrichedHoks(
        kieli=lang,
        document=document,
        parts=_tree(document, frozen_labels, osat),
        labels=frozen_labels,
        perusteen_osat=MappingProxyType(osat),
        notices=notices,
        registry_calls=MappingProxyType(dict(answers.calls)),
    )


def _values(refs: list[Reference], kind: str) -> set[str]:
    return {r.value for r in refs if r.kind == kind}


class _Builder:
    """Turns the registries' answers into labels and descriptions in the reader's language."""

    def __init__(self, answers: Answers, kieli: Kieli, peruste_diaarinumero: str | None) -> None:
        self._answers = answers
        self._kieli = kieli
        self._peruste_diaarinumero = peruste_diaarinumero

    # Codes and organisations.

    def label(self, ref: Reference) -> Label:
        if ref.kind == "organisaatio":
            organisaatio = self._answers.organisaatiot.get(ref.value)
            if organisaatio is None or organisaatio.value is None:
                failure = organisaatio.failure if organisaatio else None
                return rules.unnamed(ref.value, ORGANISAATIO, failure or "not-found", self._kieli)
            names: tuple[Teksti, ...] = (organisaatio.value.nimi,)
            return rules.named(ref.value, names, self._kieli) or rules.unnamed(
                ref.value, ORGANISAATIO, "no-name", self._kieli
            )
        koodi = self._answers.koodit.get(ref.value)
        if koodi is None or koodi.value is None:
            failure = koodi.failure if koodi else None
            return rules.unnamed(ref.value, KOODISTO, failure or "not-found", self._kieli)
        return rules.named(
            ref.value, self._koodisto_names(ref.value), self._kieli
        ) or rules.unnamed(ref.value, KOODISTO, "no-name", self._kieli)

    def _koodisto_names(self, code: str) -> tuple[Teksti, ...]:
        answer = self._answers.koodit.get(code)
        if answer is None or answer.value is None:
            return ()
        return (answer.value.nimi, answer.value.lyhyt_nimi)

    # Units, sub-areas and TUVA modules.

    def eperusteet_names(self, ref: Reference) -> tuple[Teksti, ...]:
        """ePerusteet's names of what ``ref`` refers to (empty when ePerusteet has none)."""
        if ref.kind == "koulutuksen-osa":
            answer = self._answers.koulutuksen_osat.get(ref.value)
            return (answer.value.nimi,) if answer and answer.value else ()
        if ref.kind == "osa-alue":
            found = self._osa_alue(ref)
            return (found[0].nimi,) if found else ()
        osa = self._tutkinnon_osa(ref.value, ref.diaarinumero)
        return (osa.nimi,) if osa else ()

    def perusteen_osa(self, ref: Reference) -> PerusteenOsa:
        failure = self._eperusteet_failure(ref)
        nimi = self._title(ref, failure)
        missing = rules.notice(ref.value, EPERUSTEET, failure, self._kieli) if failure else None
        if ref.kind == "koulutuksen-osa":
            answer = self._answers.koulutuksen_osat.get(ref.value)
            tuva = answer.value if answer else None
            return PerusteenOsa(
                koodi_uri=ref.value,
                nimi=nimi,
                laajuus_minimi=tuva.laajuus_minimi if tuva else None,
                laajuus_maksimi=tuva.laajuus_maksimi if tuva else None,
                notice=missing,
            )
        if ref.kind == "osa-alue":
            found = self._osa_alue(ref)
            unit = found[1] if found else None
            return PerusteenOsa(
                koodi_uri=ref.value,
                nimi=nimi,
                peruste_id=unit.peruste_id if unit else None,
                diaarinumero=unit.diaarinumero if unit else None,
                notice=missing,
            )
        osa = self._tutkinnon_osa(ref.value, ref.diaarinumero)
        if osa is None:
            return PerusteenOsa(koodi_uri=ref.value, nimi=nimi, notice=missing)
        return PerusteenOsa(
            koodi_uri=ref.value,
            nimi=nimi,
            laajuus=osa.laajuus,
            peruste_id=osa.peruste_id,
            diaarinumero=osa.diaarinumero,
            vaatimukset=self._vaatimukset(osa),
            arviointi=self._arviointi(osa.arviointi),
            notice=missing,
        )

    def _title(self, ref: Reference, failure: NoticeReason | None) -> Label:
        # Reference 3.2: ePerusteet's name (requested language, then Finnish, …), then the
        # code's name in Koodisto, then the code with a notice.
        names = (*self.eperusteet_names(ref), *self._koodisto_names(ref.value))
        return rules.named(ref.value, names, self._kieli) or rules.unnamed(
            ref.value, EPERUSTEET, failure or "no-name", self._kieli
        )

    def _eperusteet_failure(self, ref: Reference) -> NoticeReason | None:
        """Why ePerusteet did not describe ``ref``; ``None`` when it did."""
        if ref.kind == "koulutuksen-osa":
            tuva = self._answers.koulutuksen_osat.get(ref.value)
            if tuva is not None and tuva.value is not None:
                return None
            return tuva.failure if tuva and tuva.failure else "not-found"
        unit_code = ref.tutkinnon_osa if ref.kind == "osa-alue" else ref.value
        answer = self._answers.tutkinnon_osat.get(unit_code or "")
        if answer is None or answer.value is None:
            return answer.failure if answer and answer.failure else "not-found"
        if ref.kind == "osa-alue" and self._osa_alue(ref) is None:
            return "not-found"
        return None

    def _tutkinnon_osa(
        self, code: str | None, diaarinumero: str | None
    ) -> eperusteet.TutkinnonOsa | None:
        answer = self._answers.tutkinnon_osat.get(code or "")
        if answer is None or not answer.value:
            return None
        return _choose(answer.value, (diaarinumero, self._peruste_diaarinumero))

    def _osa_alue(
        self, ref: Reference
    ) -> tuple[eperusteet.OsaAlue, eperusteet.TutkinnonOsa] | None:
        """The sub-area ``ref`` names, and the unit version it was found in: the version chosen
        for the unit first, then any other peruste's (a sub-area may be missing from one)."""
        answer = self._answers.tutkinnon_osat.get(ref.tutkinnon_osa or "")
        if answer is None or not answer.value:
            return None
        chosen = _choose(answer.value, (None, self._peruste_diaarinumero))
        for unit in (chosen, *answer.value):
            for alue in unit.osa_alueet:
                if alue.koodi_uri == ref.value:
                    return alue, unit
        return None

    def _vaatimukset(self, osa: eperusteet.TutkinnonOsa) -> Vaatimukset | None:
        structured = osa.ammattitaitovaatimukset
        html = rules.text(osa.ammattitaitovaatimukset_teksti, self._kieli)
        if structured is None and html is None:
            return None
        return Vaatimukset(
            kohde=rules.text(structured.kohde, self._kieli) if structured else None,
            vaatimukset=rules.texts(structured.vaatimukset, self._kieli) if structured else (),
            kohdealueet=tuple(
                VaatimusKohdealue(
                    kuvaus=rules.text(alue.kuvaus, self._kieli),
                    vaatimukset=rules.texts(alue.vaatimukset, self._kieli),
                )
                for alue in (structured.kohdealueet if structured else ())
            ),
            html=html,
        )

    def _arviointi(
        self, alueet: tuple[eperusteet.ArvioinninKohdealue, ...]
    ) -> tuple[ArvioinninKohdealue, ...]:
        return tuple(
            ArvioinninKohdealue(
                otsikko=rules.text(alue.otsikko, self._kieli),
                kohteet=tuple(
                    ArvioinninKohde(
                        otsikko=rules.text(kohde.otsikko, self._kieli),
                        selite=rules.text(kohde.selite, self._kieli),
                        osaamistasot=tuple(
                            OsaamistasonKriteerit(
                                osaamistaso=taso.osaamistaso,
                                kriteerit=rules.texts(taso.kriteerit, self._kieli),
                            )
                            for taso in kohde.osaamistasot
                        ),
                    )
                    for kohde in alue.kohteet
                ),
            )
            for alue in alueet
        )


def _choose(
    versions: tuple[eperusteet.TutkinnonOsa, ...], diaarinumerot: tuple[str | None, ...]
) -> eperusteet.TutkinnonOsa:
    """The version of a unit to show: the one of the first given peruste that has it, else the
    one of the newest peruste (ePerusteet numbers perusteet in the order they were created, and
    a unit code carried over to a new peruste is described by its newest version)."""
    for diaarinumero in diaarinumerot:
        if diaarinumero:
            for version in versions:
                if version.diaarinumero == diaarinumero:
                    return version
    return max(versions, key=lambda version: version.peruste_id or 0)


def _distinct_notices(labels: Iterable[Label], osat: Iterable[PerusteenOsa]) -> tuple[Notice, ...]:
    seen: dict[tuple[str, str], Notice] = {}
    for notice in [*(label.notice for label in labels), *(osa.notice for osa in osat)]:
        if notice is not None:
            seen.setdefault((notice.code, notice.registry), notice)
    return tuple(seen.values())


def _tree(
    document: Mapping[str, Any],
    labels: Mapping[Location, Label],
    osat: Mapping[Location, PerusteenOsa],
) -> tuple[EnrichedPart, ...]:
    children: dict[Location, list[PartRef]] = {}
    for ref in walk(dict(document)):
        # A part sits at (…parent's location, collection key, index).
        children.setdefault(ref.location[:-2], []).append(ref)

    def build(ref: PartRef) -> EnrichedPart:
        return EnrichedPart(
            kind=ref.kind,
            location=ref.location,
            data=ref.part,
            perusteen_osa=osat.get(ref.location),
            children=tuple(build(child) for child in children.get(ref.location, ())),
            labels=labels,
        )

    return tuple(build(ref) for ref in children.get((), ()))
