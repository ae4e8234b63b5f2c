"""« Situation au » of the pilotage pages: the day of the latest import whose values are shown, the plan
version in force."""

from __future__ import annotations

import pandas as pd

from dashboard.present import situation


def _origins(*stamps):
    return pd.DataFrame({"batch_id": range(len(stamps)), "importe_le": [pd.Timestamp(s, tz="Europe/Paris") for s in stamps]})


def test_the_latest_import_shown_gives_the_day():
    text = situation.situation(_origins("2025-03-02 10:00", "2026-06-30 23:30", "2026-01-15 08:00"),
                               situation.version_text(2, "Révision de juin"))
    assert text == ("Situation au 30/06/2026 (dernier import du suivi en vigueur) · plan : version 2, "
                    "« Révision de juin »")


def test_a_late_evening_import_in_utc_is_the_day_in_paris():
    # 30/06/2026 22:30 UTC is 01/07/2026 00:30 in Paris (summer time)
    origins = pd.DataFrame({"importe_le": [pd.Timestamp("2026-06-30 22:30", tz="UTC")]})
    assert situation.situation(origins, "version 1").startswith("Situation au 01/07/2026 ")


def test_demo_data_and_no_import_are_said():
    assert situation.situation(_origins("2026-12-06 09:00"), "version 1", demo=True) == (
        "Situation au 06/12/2026 (dernier import du suivi en vigueur, données de démonstration) · plan : version 1")
    assert situation.situation(pd.DataFrame(columns=["importe_le"]), situation.version_text(None, None, "plan.xlsx")) == (
        "Situation : aucun import du suivi en vigueur, chiffres du plan seuls · plan : classeur « plan.xlsx »")


def test_a_version_without_label_is_its_number():
    assert situation.version_text(3, "") == "version 3"
