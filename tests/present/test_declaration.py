"""The accessibility declaration (present.declaration): the RGAA model's parts, the contact as set, and
Streamlit's non-conformities listed one by one (the same list the axe-core browser test accepts)."""

from __future__ import annotations

import re

import pytest

from dashboard.present import declaration


def headings(text: str) -> list[str]:
    return re.findall(r"^##+ (.+)$", text, flags=re.MULTILINE)


def test_the_declaration_has_every_part_of_the_rgaa_model():
    text = declaration.markdown("accessibilite@example.org")
    assert headings(text) == [
        "État de conformité", "Ce qui a été mesuré, et comment", "Contenus non accessibles",
        "Non-conformités venant de Streamlit (le logiciel qui affiche le tableau de bord)",
        "Ce qui reste à vérifier ou à faire", "Dérogations et contenus non soumis",
        "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours"]
    # no valid audit: the status RGAA prescribes is « non conforme »
    assert "est **non conforme** avec le référentiel général d'amélioration de l'accessibilité" in text
    assert "Écrivez à : accessibilite@example.org" in text
    assert "Défenseur des droits" in text and "Libre réponse 71120, 75342 Paris CEDEX 07" in text


def test_without_a_contact_the_declaration_says_how_to_set_it():
    text = declaration.markdown(None)
    assert "Écrivez à" not in text
    assert f"`{declaration.CONTACT_ENV}`" in text


@pytest.mark.parametrize("limite", declaration.LIMITES_STREAMLIT, ids=lambda lim: lim.regle or lim.critere)
def test_each_streamlit_limit_is_listed_with_its_criterion_and_reason(limite):
    text = declaration.markdown(None)
    assert f"- {limite.quoi} (critère {limite.critere}) — {limite.pourquoi}" in text
    assert bool(limite.regle) == bool(limite.noeuds)  # an axe rule is accepted on named Streamlit nodes only
