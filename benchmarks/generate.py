"""Seeded generator of realistic synthetic case files, for benchmarks and bulk tests.

Every case is synthetic: no real child, family or case, and people appear only by role. Each
generated case is valid (``parse_case(...).ok`` with no error problems): dates in order,
unique ids, references that resolve, ages that agree with the dates.

Case ``i`` depends only on ``(seed, i)``, so the first ``n`` cases of a larger run are
byte-identical to a run of ``n``, and the same seed always gives the same bytes.

Use from Python (with ``benchmarks/`` on ``sys.path``; the folder is not a package)::

    from generate import iter_cases, invalid_cases
    assert invalid_cases(200) == []

or from the shell::

    python benchmarks/generate.py 10000 -o cases.jsonl --seed 20240601
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from npcs_review.codelists import codelists
from npcs_review.io import parse_case
from npcs_review.models import SCHEMA_VERSION

__all__ = [
    "DEFAULT_SEED",
    "REVIEW_TAXONOMY",
    "case_bytes",
    "generate_case",
    "generate_review",
    "invalid_cases",
    "iter_case_bytes",
    "iter_cases",
    "iter_reviews",
]

DEFAULT_SEED = 20240601

JsonDict = dict[str, Any]

# Calendar used by the generator: incidents fall in these years.
_FIRST_INCIDENT = date(2019, 1, 1)
_LAST_INCIDENT = date(2024, 12, 31)
# Days per unit, as npcs_review.models.Age.in_days counts them.
_PER = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}

# ------------------------------------------------------------------------- code lists


def _live_codes(list_id: str) -> list[str]:
    """Return the non-deprecated codes of a list, in the list's order."""
    return [v.code for v in codelists()[list_id] if v.deprecated is None]


def _check(list_id: str, *codes: str) -> None:
    """Fail loudly at import when a code named here is not (or no longer) in its list."""
    live = set(_live_codes(list_id))
    unknown = [c for c in codes if c not in live]
    if unknown:
        msg = f"benchmarks/generate.py names codes missing from '{list_id}': {unknown}"
        raise RuntimeError(msg)


class _Weighted:
    """A weighted choice over a whole code list.

    Codes named in ``weights`` get those weights; every other live code of the list gets
    ``rest``, so that codes added to a list later still show up in the generated data.
    """

    def __init__(self, list_id: str, weights: Mapping[str, float], rest: float = 0.0) -> None:
        _check(list_id, *weights)
        self.codes = [c for c in _live_codes(list_id) if weights.get(c, rest) > 0]
        self.cum = list(_accumulate(weights.get(c, rest) for c in self.codes))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.codes, cum_weights=self.cum)[0]


def _accumulate(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# ------------------------------------------------------------------------------ scenarios


class _Scenario:
    """One kind of incident: cause, maltreatment, who it happens to, and how it is told."""

    def __init__(
        self,
        key: str,
        *,
        cause: str,
        maltreatment: Mapping[str, float],
        ages: tuple[float, float],
        types: Mapping[str, float],
        manner: Mapping[str, float],
        procedures: Sequence[str],
        openers: Sequence[str],
        findings: Sequence[str],
    ) -> None:
        _check("cause_category", cause)
        _check("maltreatment_type", *maltreatment)
        _check("incident_type", *types)
        _check("manner_of_death", *manner)
        _check("life_saving_procedure", *procedures)
        self.key, self.cause, self.maltreatment = key, cause, dict(maltreatment)
        self.ages, self.types, self.manner = ages, dict(types), dict(manner)
        self.procedures, self.openers, self.findings = list(procedures), openers, findings


_SCENARIOS: tuple[_Scenario, ...] = (
    _Scenario(
        "abusive_head_trauma",
        cause="weapon_including_body_part",
        maltreatment={"physical_abuse": 1.0},
        ages=(0.0, 3.0),
        types={"fatality": 1.0, "near_fatality": 1.4, "serious_injury": 0.8},
        manner={"homicide": 6, "undetermined": 2, "pending_investigation": 2},
        procedures=["intubation", "cpr", "emergency_surgery", "blood_transfusion"],
        openers=[
            "{cg} called emergency services reporting that {child} had become limp and "
            "unresponsive while in the care of {cg2}.",
            "{child} was brought to the emergency department by {cg} with vomiting, "
            "irritability and decreased responsiveness that had started the evening before.",
            "{cg} reported that {child} had stopped breathing after a feeding and that "
            "{cg2} had started rescue breaths before the ambulance arrived.",
        ],
        findings=[
            "Imaging showed subdural hemorrhage of different ages and cerebral edema.",
            "The ophthalmology examination found extensive retinal hemorrhages in both eyes.",
            "A skeletal survey found healing posterior rib fractures and a metaphyseal "
            "fracture of the left femur.",
            "The child abuse pediatrician concluded that the injuries were not consistent "
            "with the short fall that had been described.",
        ],
    ),
    _Scenario(
        "unsafe_sleep",
        cause="asphyxia",
        maltreatment={"neglect_failure_to_supervise": 3.0, "neglect_failure_to_provide": 1.0},
        ages=(0.0, 1.0),
        types={"fatality": 3.0, "near_fatality": 0.6},
        manner={"accident": 5, "undetermined": 4, "natural": 0.5, "pending_investigation": 1},
        procedures=["cpr", "intubation", "defibrillation"],
        openers=[
            "{cg} found {child} unresponsive in an adult bed after a night of shared sleep.",
            "{child} was found face down on a couch cushion by {cg} in the early morning.",
            "{cg} woke to find {child} wedged between the mattress and the wall and called "
            "emergency services.",
        ],
        findings=[
            "The scene investigation found soft bedding, pillows and a heavy blanket in the "
            "sleep area.",
            "A crib was present in the home but was being used for storage.",
            "{cg} reported having taken a sedating medication before falling asleep.",
            "Responders noted that the room was very warm and that the infant was over-bundled.",
        ],
    ),
    _Scenario(
        "drowning",
        cause="drowning",
        maltreatment={"neglect_failure_to_supervise": 1.0},
        ages=(0.5, 6.0),
        types={"fatality": 1.5, "near_fatality": 1.0, "serious_injury": 0.3},
        manner={"accident": 8, "undetermined": 1, "pending_investigation": 1},
        procedures=["cpr", "intubation", "defibrillation"],
        openers=[
            "{child} was found in the bathtub after {cg} left the bathroom for several minutes.",
            "{child} was found in an above-ground pool at a relative's home during a "
            "family gathering.",
            "{cg2} found {child} in a backyard pond after noticing that the gate had been "
            "left open.",
        ],
        findings=[
            "Bystanders began chest compressions before emergency services arrived.",
            "The child was submerged for an unknown period; estimates ranged from two to "
            "ten minutes.",
            "No adult was assigned to watch the children in the water at the time.",
        ],
    ),
    _Scenario(
        "ingestion",
        cause="poisoning_overdose_intoxication",
        maltreatment={"neglect_failure_to_supervise": 3.0, "neglect_failure_to_provide": 0.7},
        ages=(0.5, 5.0),
        types={"fatality": 1.0, "near_fatality": 1.6, "serious_injury": 0.6},
        manner={"accident": 5, "undetermined": 2, "homicide": 0.5, "pending_investigation": 2},
        procedures=["opioid_reversal", "intubation", "cpr"],
        openers=[
            "{child} was found lethargic with pinpoint pupils after {cg} noticed an open "
            "medication bottle on the floor.",
            "{cg} brought {child} to the emergency department after the child became "
            "difficult to wake following a nap.",
            "Emergency services responded to a call from {cg2} reporting that {child} was "
            "breathing slowly and could not be roused.",
        ],
        findings=[
            "A urine drug screen was positive for opioids and the child responded to naloxone.",
            "Toxicology found fentanyl in the child's blood.",
            "Several unsecured pill bottles and drug paraphernalia were found within reach "
            "of the children.",
        ],
    ),
    _Scenario(
        "blunt_force",
        cause="weapon_including_body_part",
        maltreatment={"physical_abuse": 3.0, "psychological_maltreatment": 0.3},
        ages=(1.0, 12.0),
        types={"fatality": 1.0, "near_fatality": 0.8, "serious_injury": 1.6},
        manner={"homicide": 8, "undetermined": 1, "pending_investigation": 1},
        procedures=["emergency_surgery", "blood_transfusion", "intubation"],
        openers=[
            "{child} arrived at the emergency department with abdominal pain and bruising "
            "to the torso that {cg} attributed to a fall from a bunk bed.",
            "A school nurse contacted CPS after {child} came to school with patterned "
            "bruising on the back and arms.",
            "{cg} brought {child} to urgent care several hours after the child had been "
            "struck during an argument in the home.",
        ],
        findings=[
            "A CT scan showed a lacerated liver and free fluid in the abdomen.",
            "Bruises of different colors were found on the back, buttocks and upper arms.",
            "The explanations given by the caregivers changed over successive interviews.",
        ],
    ),
    _Scenario(
        "firearm",
        cause="weapon_including_body_part",
        maltreatment={"neglect_failure_to_supervise": 2.0, "physical_abuse": 0.8},
        ages=(2.0, 18.0),
        types={"fatality": 1.2, "near_fatality": 0.8, "serious_injury": 0.8},
        manner={"accident": 3, "homicide": 4, "suicide": 1.5, "undetermined": 1},
        procedures=["emergency_surgery", "blood_transfusion", "cpr"],
        openers=[
            "{child} was injured by a gunshot after finding a loaded handgun in a bedside drawer.",
            "{child} was shot during a domestic dispute in the home; {cg2} was present.",
            "Law enforcement responded to a report of a gunshot in the home and found "
            "{child} injured.",
        ],
        findings=[
            "The firearm belonged to {cg} and was stored loaded and unlocked.",
            "The child underwent emergency surgery to control bleeding.",
            "Other children were in the home at the time of the shooting.",
        ],
    ),
    _Scenario(
        "malnutrition",
        cause="other_cause",
        maltreatment={"neglect_failure_to_provide": 3.0, "medical_neglect": 1.0},
        ages=(0.0, 6.0),
        types={"fatality": 0.8, "near_fatality": 1.0, "serious_injury": 0.8},
        manner={"homicide": 2, "natural": 1, "undetermined": 2, "pending_investigation": 1},
        procedures=["other_procedure", "intubation"],
        openers=[
            "{child} was brought to a clinic by {cg2} and found to be severely underweight "
            "and dehydrated.",
            "A home health nurse found {child} listless and emaciated during a scheduled visit.",
        ],
        findings=[
            "The child's weight had fallen from the 40th to below the 1st percentile.",
            "The child gained weight steadily once fed in the hospital, which pointed to "
            "inadequate intake at home.",
            "Several well-child visits had been missed over the preceding year.",
        ],
    ),
    _Scenario(
        "medical_neglect",
        cause="medical_condition",
        maltreatment={"medical_neglect": 3.0, "neglect_failure_to_provide": 0.5},
        ages=(0.0, 18.0),
        types={"fatality": 0.8, "near_fatality": 1.0, "serious_injury": 0.5},
        manner={"natural": 6, "undetermined": 2, "pending_investigation": 1},
        procedures=["intubation", "other_procedure", "cpr"],
        openers=[
            "{child}, who has insulin-dependent diabetes, was found in diabetic "
            "ketoacidosis after insulin had not been given for several days.",
            "{child} with a known seizure disorder was brought in by ambulance after a "
            "prolonged seizure; prescribed medication had not been refilled.",
            "{child} presented with advanced pneumonia after several days of fever and "
            "labored breathing without medical care.",
        ],
        findings=[
            "The specialty clinic had documented repeated missed appointments.",
            "Pharmacy records showed that prescriptions had not been refilled for months.",
            "The treating physician stated that earlier care would likely have prevented "
            "the critical illness.",
        ],
    ),
    _Scenario(
        "motor_vehicle",
        cause="motor_vehicle_transport",
        maltreatment={"neglect_failure_to_supervise": 2.0, "neglect_failure_to_provide": 0.5},
        ages=(0.0, 18.0),
        types={"fatality": 1.0, "near_fatality": 0.8, "serious_injury": 1.0},
        manner={"accident": 9, "homicide": 1, "undetermined": 0.5},
        procedures=["emergency_surgery", "intubation", "blood_transfusion", "cpr"],
        openers=[
            "{child} was a passenger in a vehicle driven by {cg} that left the roadway at speed.",
            "{child} was not restrained in a car seat when the vehicle driven by {cg} "
            "collided with another car.",
            "{child} was struck by a vehicle after wandering from the home unsupervised.",
        ],
        findings=[
            "Law enforcement reported that the driver was impaired at the time of the crash.",
            "No child safety seat was present in the vehicle.",
            "The child sustained multiple fractures and a traumatic brain injury.",
        ],
    ),
    _Scenario(
        "house_fire",
        cause="fire_burn_electrocution",
        maltreatment={"neglect_failure_to_supervise": 2.0, "neglect_failure_to_provide": 0.8},
        ages=(0.0, 12.0),
        types={"fatality": 1.0, "near_fatality": 0.7, "serious_injury": 0.7},
        manner={"accident": 8, "undetermined": 1, "pending_investigation": 1},
        procedures=["intubation", "emergency_surgery", "other_procedure"],
        openers=[
            "A fire started in the home while {child} and siblings were left without an "
            "adult present.",
            "{child} was injured in a house fire that the fire marshal traced to a space "
            "heater near bedding.",
        ],
        findings=[
            "The home had no working smoke detectors.",
            "The child was treated for smoke inhalation and partial-thickness burns.",
            "{cg} had left the home to run an errand shortly before the fire started.",
        ],
    ),
    _Scenario(
        "hot_vehicle",
        cause="exposure",
        maltreatment={"neglect_failure_to_supervise": 1.0},
        ages=(0.0, 4.0),
        types={"fatality": 1.0, "near_fatality": 0.8, "serious_injury": 0.3},
        manner={"accident": 8, "homicide": 1, "undetermined": 1},
        procedures=["cpr", "intubation", "other_procedure"],
        openers=[
            "{child} was left in a parked vehicle for several hours on a hot afternoon.",
            "{cg} found {child} in the car seat of a parked vehicle after returning from work.",
        ],
        findings=[
            "The core body temperature on arrival at the hospital was above 41 degrees Celsius.",
            "The outside temperature that afternoon was above 30 degrees Celsius.",
        ],
    ),
    _Scenario(
        "fall",
        cause="fall_or_crush",
        maltreatment={"neglect_failure_to_supervise": 2.0, "physical_abuse": 0.8},
        ages=(0.0, 6.0),
        types={"fatality": 0.4, "near_fatality": 0.8, "serious_injury": 1.6},
        manner={"accident": 5, "undetermined": 3, "homicide": 1},
        procedures=["emergency_surgery", "intubation"],
        openers=[
            "{child} fell from a second-floor window that had no guard.",
            "{cg} reported that {child} rolled off a changing table onto a hard floor.",
            "A heavy dresser that had not been anchored to the wall tipped over onto {child}.",
        ],
        findings=[
            "The injuries were judged to be consistent with the fall that was described.",
            "Imaging showed a skull fracture with an underlying epidural hematoma.",
        ],
    ),
    _Scenario(
        "inflicted_burn",
        cause="fire_burn_electrocution",
        maltreatment={"physical_abuse": 2.0, "neglect_failure_to_supervise": 0.5},
        ages=(0.5, 5.0),
        types={"near_fatality": 0.6, "serious_injury": 1.5, "fatality": 0.1},
        manner={"homicide": 3, "undetermined": 1},
        procedures=["emergency_surgery", "other_procedure", "blood_transfusion"],
        openers=[
            "{child} was brought to the burn unit with immersion burns to both feet and buttocks.",
            "{cg} delayed seeking care for burns to {child}'s hands for two days.",
        ],
        findings=[
            "The burns had sharp lines of demarcation and a glove-and-stocking pattern.",
            "The burn surgeon noted that the pattern did not match the spill described.",
        ],
    ),
    _Scenario(
        "undetermined",
        cause="undetermined_cause",
        maltreatment={
            "neglect_failure_to_supervise": 1.0,
            "physical_abuse": 1.0,
            "other_maltreatment": 0.3,
        },
        ages=(0.0, 18.0),
        types={"fatality": 1.0, "near_fatality": 0.6, "serious_injury": 0.4},
        manner={"undetermined": 6, "pending_investigation": 3, "natural": 0.5},
        procedures=["cpr", "intubation", "other_procedure"],
        openers=[
            "{child} was found unresponsive at home by {cg}; the circumstances remain unclear.",
            "{child} collapsed at home and was transported by ambulance; no cause was "
            "identified at the time.",
        ],
        findings=[
            "The autopsy and toxicology did not establish a cause.",
            "Conflicting accounts were given by the adults present in the home.",
        ],
    ),
    _Scenario(
        "self_harm",
        cause="asphyxia",
        maltreatment={"psychological_maltreatment": 1.0, "neglect_failure_to_provide": 1.0},
        ages=(10.0, 18.0),
        types={"fatality": 0.6, "near_fatality": 0.8, "other_critical_incident": 0.3},
        manner={"suicide": 8, "undetermined": 2},
        procedures=["cpr", "intubation"],
        openers=[
            "{child} was found by {cg2} after an attempt to end their life in the home.",
            "{child} disclosed thoughts of self-harm to a school counselor days before the "
            "incident.",
        ],
        findings=[
            "Mental health services had been recommended but had not started.",
            "The youth had been placed in three homes in the preceding year.",
        ],
    ),
    _Scenario(
        "sexual_abuse",
        cause="other_cause",
        maltreatment={"sexual_abuse": 3.0, "psychological_maltreatment": 0.5},
        ages=(3.0, 18.0),
        types={"other_critical_incident": 1.0, "serious_injury": 0.3},
        manner={"homicide": 1},
        procedures=["other_procedure"],
        openers=[
            "{child} disclosed sexual abuse to a teacher, naming a member of the household.",
            "A forensic interview was arranged after {child} made a disclosure to {cg}.",
        ],
        findings=[
            "The forensic medical examination documented injuries consistent with the disclosure.",
            "Law enforcement opened a criminal investigation the same day.",
        ],
    ),
    _Scenario(
        "trafficking",
        cause="other_cause",
        maltreatment={"human_trafficking": 2.0, "sexual_abuse": 1.0},
        ages=(11.0, 18.0),
        types={"other_critical_incident": 1.0},
        manner={"homicide": 1},
        procedures=["other_procedure"],
        openers=[
            "{child} was identified as a victim of trafficking after running away from a "
            "placement.",
            "Law enforcement recovered {child} during an operation targeting exploitation "
            "of minors.",
        ],
        findings=[
            "The youth had been missing from care for eleven days.",
            "Screening with a validated trafficking tool had not been completed at intake.",
        ],
    ),
    _Scenario(
        "abandonment",
        cause="other_cause",
        maltreatment={"neglect_failure_to_provide": 2.0, "neglect_failure_to_supervise": 1.0},
        ages=(0.0, 18.0),
        types={"other_critical_incident": 1.0, "serious_injury": 0.2},
        manner={"undetermined": 1},
        procedures=["other_procedure"],
        openers=[
            "{child} was found alone in the home for an extended period without food.",
            "{child} was left at a hospital entrance without identification.",
            "Neighbors reported that {child} had been locked out of the home overnight.",
        ],
        findings=[
            "The home lacked working utilities and food.",
            "The caregivers could not be located for more than a day.",
        ],
    ),
)

# How common each scenario is, relative to the others that fit the child's age and the
# incident type (abusive head trauma and unsafe sleep dominate infant fatalities).
_PREVALENCE = {
    "abusive_head_trauma": 3.0,
    "unsafe_sleep": 4.0,
    "drowning": 1.5,
    "ingestion": 1.2,
    "blunt_force": 1.5,
    "firearm": 0.8,
    "malnutrition": 0.8,
    "medical_neglect": 0.8,
    "motor_vehicle": 0.6,
    "house_fire": 0.4,
    "hot_vehicle": 0.3,
    "fall": 0.8,
    "inflicted_burn": 0.5,
    "undetermined": 1.0,
    "self_harm": 0.6,
    "sexual_abuse": 1.0,
    "trafficking": 0.5,
    "abandonment": 1.0,
}
if set(_PREVALENCE) != {s.key for s in _SCENARIOS}:
    raise RuntimeError("every scenario needs a prevalence")

# ---------------------------------------------------------------------- text fragments

# Narrative sentences by section; each section has leads that fit it. A lead is prepended
# to a body ("" for none), so the same body reads differently in different cases.
_SECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "context": (
        (
            "",
            "",
            "In the months before the incident, ",
            "According to relatives, ",
            "The case record shows that ",
            "Interviews with the family showed that ",
        ),
        (
            "{cg} reported recent job loss and difficulty paying rent",
            "the household had moved twice in the preceding year",
            "{cg} was the sole caregiver for several young children",
            "substance use by a caregiver had been noted in earlier contacts",
            "a relative had raised concerns about supervision in the home",
            "{cg} described feeling overwhelmed and isolated",
            "the family had no working telephone for several weeks",
            "domestic violence between adults in the home had been reported to police",
            "the family had applied for housing assistance and was on a waiting list",
            "another adult had moved into the home a few months earlier",
            "the children had been cared for by several different adults in the same week",
            "{cg} had a history of untreated depression",
            "the home had been without heat for part of the winter",
            "the younger children were not enrolled in childcare",
            "{cg} worked night shifts and relied on informal childcare",
            "the family lived in a rural area about an hour from the nearest hospital",
            "{cg} had been in foster care as a child",
            "the family's public benefits had lapsed after a missed renewal appointment",
            "{cg} had recently completed a residential treatment program",
            "the home was shared with another family",
        ),
    ),
    "response": (
        (
            "",
            "",
            "After the report, ",
            "Within the first day, ",
            "During the investigation, ",
            "The investigative record shows that ",
        ),
        (
            "law enforcement and the after-hours CPS worker responded to the hospital",
            "a safety plan was put in place for the other children in the home",
            "the siblings were placed with a relative while the investigation continued",
            "the agency requested the medical records from the birth hospital",
            "the investigator interviewed both caregivers separately",
            "the worker completed a walkthrough of the home with law enforcement",
            "the agency notified the state office of a critical incident within 24 hours",
            "the case was assigned to the special investigations unit",
            "a multidisciplinary team meeting was held within three days",
            "the agency contacted the child's pediatrician and the public health nurse",
            "the other children in the home received forensic interviews",
            "the worker checked the statewide registry for prior reports in other counties",
            "law enforcement photographed the scene before it was disturbed",
            "a protective custody hold was placed on the siblings",
        ),
    ),
    "medical": (
        (
            "",
            "According to the hospital record, ",
            "During the admission, ",
            "The medical record notes that ",
        ),
        (
            "a child abuse pediatrician was consulted on the day of admission",
            "the treating team documented the injuries with photographs and imaging",
            "the child was transferred to a pediatric intensive care unit",
            "the child required mechanical ventilation",
            "laboratory studies were sent to rule out a bleeding disorder",
            "the hospital social worker made the report to the hotline",
            "the emergency physician documented the history given by each caregiver",
        ),
    ),
    "recovery": (
        ("", "After discharge, ", "At the last follow-up, "),
        (
            "the child was discharged to a relative after a prolonged hospital stay",
            "the child was referred for early intervention services",
            "the child was receiving physical and occupational therapy",
            "follow-up imaging showed that the injuries were healing",
            "the child's long-term prognosis remained uncertain",
        ),
    ),
    "review": (
        (
            "",
            "The review found that ",
            "Review participants noted that ",
            "Interviews with staff showed that ",
            "The review team observed that ",
        ),
        (
            "the assigned worker carried a caseload well above the agency standard",
            "information held by the hospital was not available to the intake screener",
            "the screening tool in use did not prompt questions about infant sleep",
            "supervisory consultation on the prior report happened by text message only",
            "the prior investigation was closed without a visit to the second household",
            "staff turnover meant that the family had three workers in six months",
            "the safety plan relied on a relative whose availability was never confirmed",
            "the local substance use treatment program had a waiting list of several weeks",
            "the agency and law enforcement used different systems and did not share reports",
            "workers had not been trained on the revised safe sleep guidance",
            "the after-hours line was staffed by a single worker on the night of the report",
            "the documentation standard did not require recording who lived in the home",
            "the prior reports were screened without a search for related family members",
            "the intake unit was working through a backlog after a system outage",
            "the family's language needs were not met by the interpreter service",
            "the worker's field visits competed with court hearings on the same days",
        ),
    ),
}
# When something happened during an earlier episode (for history event notes).
_WHEN_EVENT = (
    "At the first home visit",
    "At a later home visit",
    "Within a week of the report",
    "Before the case was closed",
    "During the episode",
    "At the closing conference",
)
# A combinatorial timeline sentence: "<when>, <actor> <did something>."
_WHEN = (
    "Three weeks before the incident",
    "Two months before the incident",
    "On the morning of the incident",
    "The day after the incident",
    "During the first week of the investigation",
    "A month after the incident",
    "At the first home visit",
    "At a later home visit",
    "During the prior open case",
    "Shortly after the report",
    "Before the review meeting",
    "At the case transfer",
)
_ACTORS = (
    "the assigned worker",
    "the supervisor",
    "the investigator",
    "a law enforcement detective",
    "the public health nurse",
    "the hospital social worker",
    "the family support worker",
    "{cg}",
    "the intake screener",
    "the regional administrator",
)
_ACTIONS = (
    "visited the home and spoke with {cg}",
    "reviewed the prior reports on the family",
    "contacted the child's pediatrician",
    "requested records from the hospital",
    "met with the family to discuss a safety plan",
    "consulted about next steps by phone",
    "tried to reach {cg} by phone without success",
    "documented the condition of the home",
    "spoke with the other children in the home",
    "made a referral for in-home services",
    "noted that {cg2} was present for part of the visit",
    "asked about sleeping arrangements for {child}",
    "recorded that the service referral had not been followed up",
    "confirmed the household composition with a relative",
    "shared the case history with the review team",
)
_REPORTERS = (
    "a teacher",
    "a hospital social worker",
    "a relative",
    "law enforcement",
    "a neighbor",
    "a childcare provider",
    "an anonymous caller",
    "a medical provider",
    "a home visiting nurse",
    "a school counselor",
)
_CONCERNS = (
    "a bruise on the child's face",
    "inadequate supervision of young children",
    "domestic violence in the home",
    "substance use by a caregiver",
    "unsafe and unsanitary housing conditions",
    "missed medical appointments",
    "prenatal substance exposure",
    "children left alone in the home",
    "a caregiver's untreated mental illness",
    "a lack of food in the home",
)
_EVENT_NOTES: dict[str, tuple[str, ...]] = {
    "report": (
        "{reporter} reported concerns about {concern}.",
        "The report was accepted for investigation after {reporter} described {concern}.",
    ),
    "screened_out_report": (
        "{reporter} called about {concern}; screened out as not meeting the criteria for "
        "a CPS response.",
        "{reporter} reported {concern}; the screener referred the family to community resources.",
    ),
    "investigation": (
        "The worker interviewed the caregivers and observed the children in the home.",
        "Collateral contacts with the school and the pediatrician were completed.",
        "The investigation was extended twice while records were requested.",
    ),
    "assessment": (
        "The family agreed to a family assessment; needs identified were housing and childcare.",
        "The assessment found no immediate safety threat and offered voluntary services.",
    ),
    "open_case": (
        "An in-home services case was opened with monthly worker visits.",
        "Ongoing services were provided under a family service plan.",
    ),
    "service": (
        "The family was referred to a parenting education program.",
        "A caregiver was referred for substance use assessment and treatment.",
        "Home visiting services were offered and accepted.",
    ),
    "family_preservation_service": (
        "Intensive family preservation services were provided for eight weeks.",
        "A family preservation worker visited the home twice weekly.",
    ),
    "out_of_home_placement": (
        "The children were placed with a relative under a court order.",
        "The child was placed in a licensed foster home.",
    ),
    "reunification": (
        "The children returned home after the caregivers completed their case plan.",
        "Reunification followed a period of supervised and then unsupervised visits.",
    ),
    "safety_plan": (
        "A safety plan named a relative to supervise contact with the children.",
        "The caregivers agreed that no child would be left in the care of a named adult.",
    ),
    "court_action": (
        "A dependency petition was filed and granted at the first hearing.",
        "The court ordered protective supervision of the household.",
    ),
}
_DETERMINATION_NOTES: dict[str, tuple[str, ...]] = {
    "medical_examiner": (
        "The autopsy findings were reviewed with the scene investigation.",
        "Cause and manner were certified after toxicology results were received.",
    ),
    "physician": (
        "Injuries consistent with the mechanism described in the referral.",
        "The treating physician documented the child's condition as critical on admission.",
    ),
    "cps_agency": (
        "The finding was made after interviews with all adults in the home.",
        "The finding was approved by the supervisor and the regional administrator.",
    ),
    "law_enforcement": (
        "A criminal investigation was opened and the case referred to the prosecutor.",
        "Law enforcement closed its investigation without charges.",
    ),
    "child_death_review_team": (
        "The team found that the death was preventable.",
        "The team recommended community education on the identified risk.",
    ),
    "prosecutor": (
        "Charges were filed against one caregiver.",
        "The prosecutor declined to file charges.",
    ),
    "court": (
        "The court entered a finding at the adjudication hearing.",
        "The court accepted a plea agreement.",
    ),
    "other_authority": ("A licensing review was completed.",),
}

# ------------------------------------------------------------------- weighted code lists

_INCIDENT_TYPE = {
    "fatality": 40.0,
    "near_fatality": 35.0,
    "serious_injury": 20.0,
    "other_critical_incident": 5.0,
}
_check("incident_type", *_INCIDENT_TYPE)
# Child age at the incident, in years (lower bound, upper bound, weight).
_AGE_BANDS = (
    (0.0, 28 / 365.25, 6.0),
    (28 / 365.25, 1.0, 40.0),
    (1.0, 2.0, 16.0),
    (2.0, 3.0, 10.0),
    (3.0, 4.0, 6.0),
    (4.0, 8.0, 10.0),
    (8.0, 13.0, 6.0),
    (13.0, 18.0, 6.0),
)
_JURISDICTION = _Weighted(
    "jurisdiction",
    {"us_ca": 6, "us_tx": 6, "us_fl": 4, "us_ny": 4, "us_pa": 3, "us_oh": 3, "us_il": 3},
    rest=1.0,
)
_RACE = _Weighted(
    "race",
    {
        "white": 45,
        "black_or_african_american": 30,
        "american_indian_or_alaska_native": 3,
        "asian": 2,
        "native_hawaiian_or_other_pacific_islander": 1,
        "unable_to_determine": 2,
    },
    rest=1.0,
)
_FINDING = _Weighted(
    "finding",
    {
        "substantiated": 45,
        "indicated": 12,
        "pending": 18,
        "unsubstantiated": 14,
        "alternative_response_victim": 2,
        "alternative_response_nonvictim": 1,
        "closed_no_finding": 3,
        "unsubstantiated_false_report": 1,
        "other_finding": 2,
    },
    rest=1.0,
)
_PRIOR_FINDING = _Weighted(
    "finding",
    {
        "substantiated": 18,
        "indicated": 8,
        "unsubstantiated": 45,
        "closed_no_finding": 12,
        "alternative_response_nonvictim": 4,
        "alternative_response_victim": 4,
        "unsubstantiated_false_report": 2,
        "other_finding": 2,
        "pending": 0,
    },
    rest=1.0,
)
_CAUSAL = _Weighted(
    "causal_role",
    {"caused": 5, "contributed": 3, "material_contributing_factor": 1, "not_a_factor": 1},
    rest=0.5,
)
_MALTREATMENT_ANY = _Weighted(
    "maltreatment_type",
    {
        "neglect_failure_to_supervise": 6,
        "neglect_failure_to_provide": 5,
        "physical_abuse": 5,
        "medical_neglect": 2,
        "psychological_maltreatment": 2,
        "sexual_abuse": 1,
        "human_trafficking": 0.1,
        "other_maltreatment": 0.5,
    },
    rest=0.5,
)
_REVIEW_TYPE = _Weighted(
    "review_type",
    {
        "systemic_critical_incident_review": 40,
        "case_specific_review": 30,
        "child_death_review": 0,
        "other_review": 5,
    },
    rest=1.0,
)
_CONDITION = _Weighted("physical_condition", {"critical": 6, "serious": 4}, rest=0.0)
_SERIOUS_CONDITION = _Weighted(
    "physical_condition", {"serious": 5, "fair": 2, "stable": 2, "good": 1}, rest=0.0
)
_CERTIFIER = _Weighted(
    "certifier_role",
    {
        "treating_physician": 6,
        "child_abuse_pediatrician": 4,
        "other_physician": 1,
        "non_physician_clinician": 0.5,
        "medical_examiner": 0,
    },
    rest=0.5,
)
_check("authority", *_DETERMINATION_NOTES)
_check("history_event_type", *_EVENT_NOTES)
_check("review_type", "child_death_review")
_check("sex", "male", "female")
_check("parent_type", "biological", "step", "adoptive")
_check(
    "evidence_standard",
    "reasonable_medical_certainty",
    "preponderance_of_evidence",
    "credible_evidence",
    "clear_and_convincing",
    "probable_cause",
    "beyond_reasonable_doubt",
    "team_consensus",
    "other_standard",
    "reasonable_cause_to_believe",
)
_STANDARD = {
    "medical_examiner": {"reasonable_medical_certainty": 1.0},
    "physician": {"reasonable_medical_certainty": 1.0},
    "cps_agency": {
        "preponderance_of_evidence": 6.0,
        "credible_evidence": 2.0,
        "clear_and_convincing": 1.0,
        "reasonable_cause_to_believe": 1.0,
    },
    "law_enforcement": {"probable_cause": 1.0},
    "child_death_review_team": {"team_consensus": 1.0},
    "prosecutor": {"probable_cause": 2.0, "beyond_reasonable_doubt": 1.0},
    "court": {"beyond_reasonable_doubt": 1.0, "preponderance_of_evidence": 1.0},
    "other_authority": {"other_standard": 1.0},
}

# id stem -> (relationship, label in text, sex or None when either)
_ROLES: dict[str, tuple[str, str, str | None]] = {
    "mother": ("parent", "the mother", "female"),
    "father": ("parent", "the father", "male"),
    "mothers_partner": ("unmarried_partner_of_parent", "the mother's partner", None),
    "grandmother": ("other_relative", "the grandmother", "female"),
    "aunt": ("other_relative", "the aunt", "female"),
    "sibling": ("sibling", "an older sibling", None),
    "daycare_provider": ("child_daycare_provider", "the daycare provider", None),
    "foster_parent": ("nonrelative_foster_parent", "the foster parent", None),
    "kin_caregiver": ("relative_foster_parent", "the kinship caregiver", None),
    "guardian": ("legal_guardian", "the legal guardian", None),
    "babysitter": ("friend_or_neighbor", "a family friend", None),
    "household_member": ("other_household_member", "another adult in the home", None),
}
_check("relationship", *(r for r, _, _ in _ROLES.values()))
_OPTIONAL_ROLES = {
    "father": 5.0,
    "mothers_partner": 3.0,
    "grandmother": 2.0,
    "aunt": 0.6,
    "sibling": 2.5,
    "daycare_provider": 0.6,
    "babysitter": 0.8,
    "household_member": 0.8,
    "guardian": 0.3,
}

# ------------------------------------------------------------------------------- helpers


def _iso(day: date, rng: random.Random, month_share: float = 0.0) -> str:
    """Format a day, sometimes only to the month (a partial date: only widens its bounds)."""
    if month_share and rng.random() < month_share:
        return day.isoformat()[:7]
    return day.isoformat()


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Text:
    """Fills the text templates with the roles of one case, avoiding repeated sentences."""

    def __init__(
        self, rng: random.Random, slots: Mapping[str, str], sections: Sequence[str]
    ) -> None:
        self.rng = rng
        self.slots = dict(slots)
        self.sections = list(sections)
        self.used: set[str] = set()

    def fill(self, template: str, **extra: str) -> str:
        return template.format(**self.slots, **extra)

    def one(self, templates: Sequence[str]) -> str:
        return _sentence(self.fill(self.rng.choice(templates)))

    def narrative(self, sections: Sequence[str] | None = None) -> str:
        """One new sentence from ``sections`` (default: the case's narrative sections)."""
        rng = self.rng
        sentence = ""
        for _ in range(4):
            section = rng.choice(sections or self.sections)
            if section in ("timeline", "event"):
                when = rng.choice(_WHEN if section == "timeline" else _WHEN_EVENT)
                actor, action = rng.choice(_ACTORS), rng.choice(_ACTIONS)
                sentence = self.fill(f"{when}, {actor} {action}.")
            else:
                leads, bodies = _SECTIONS[section]
                sentence = _sentence(rng.choice(leads) + self.fill(rng.choice(bodies))) + "."
            if sentence not in self.used:
                break
        self.used.add(sentence)
        return sentence


def _child_word(age_days: float) -> str:
    if age_days < 28:
        return "the newborn"
    if age_days < 365.25:
        return "the infant"
    if age_days < 4 * 365.25:
        return "the toddler"
    if age_days < 12 * 365.25:
        return "the child"
    return "the youth"


def _age_record(rng: random.Random, age_days: int) -> JsonDict:
    """Express a true age in days with a unit that fits it (always rounded down)."""
    years = age_days / _PER["years"]
    if age_days < 28:
        unit = "days" if rng.random() < 0.6 else "weeks"
    elif years < 1:
        unit = "weeks" if age_days < 112 and rng.random() < 0.2 else "months"
    elif years < 3:
        unit = "months" if rng.random() < 0.6 else "years"
    else:
        unit = "years"
    return {"value": int(age_days // _PER[unit]), "unit": unit}


# ------------------------------------------------------------------------------ the case


class _Builder:
    """Builds one case; every date is drawn so that the consistency checks hold."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        self.index = index
        self.used_ids: set[str] = {"child"}

    def new_id(self, stem: str) -> str:
        ident, n = stem, 1
        while ident in self.used_ids:
            n += 1
            ident = f"{stem}_{n}"
        self.used_ids.add(ident)
        return ident

    # -------------------------------------------------------------------- top level
    def build(self) -> JsonDict:
        rng = self.rng
        self.incident_type = _pick(rng, _INCIDENT_TYPE)
        lo, hi, _ = rng.choices(_AGE_BANDS, weights=[w for _, _, w in _AGE_BANDS])[0]
        self.age_days = max(0, int(rng.uniform(lo, hi) * _PER["years"]))
        self.scenario = self._scenario()
        self.incident_day = _between(rng, _FIRST_INCIDENT, _LAST_INCIDENT)
        self.birth = self.incident_day - timedelta(days=self.age_days)
        self.has_review = rng.random() < 0.88
        self.review_completed = self.has_review and rng.random() < 0.85
        # Everything after the incident happens before this day (the review's completion,
        # or the day the data were extracted when there is no completed review).
        self.horizon = self.incident_day + timedelta(days=rng.randint(100, 720))
        self.jurisdiction = _JURISDICTION.pick(rng)

        persons = self._persons()
        caregivers = [p for p in persons if p["caregiver"] == "yes"] or persons
        labels = {p["id"]: _ROLES[p["_role"]][1] for p in persons}
        cg = labels[caregivers[0]["id"]]
        cg2 = labels[caregivers[1]["id"]] if len(caregivers) > 1 else "a relative"
        sections = ["context", "context", "response", "timeline", "timeline"]
        if self.incident_type != "other_critical_incident":
            sections.append("medical")
        if self.incident_type != "fatality":
            sections.append("recovery")
        if self.has_review:
            sections += ["review", "review"]
        slots = {"child": _child_word(self.age_days), "cg": cg, "cg2": cg2}
        self.text = _Text(rng, slots, sections)
        for p in persons:
            del p["_role"]

        case: JsonDict = {"schema_version": SCHEMA_VERSION}
        case["case"] = self._case_info()
        case["child"] = self._child(persons)
        case["persons"] = persons
        case["incident"] = self._incident()
        case["maltreatments"] = self._maltreatments(caregivers)
        determinations = self._determinations(case["maltreatments"], case["incident"])
        if determinations:
            case["determinations"] = determinations
        history = self._history(persons, case["maltreatments"])
        if history:
            case["history"] = history
        if self.has_review:
            case["review"] = self._review()
        if rng.random() < 0.3:
            case["extensions"] = self._extensions()
        self._grow_text(case)
        return case

    def _scenario(self) -> _Scenario:
        years = self.age_days / _PER["years"]
        fits = [
            s
            for s in _SCENARIOS
            if s.ages[0] <= years < s.ages[1] and self.incident_type in s.types
        ]
        weights = [s.types[self.incident_type] * _PREVALENCE[s.key] for s in fits]
        return self.rng.choices(fits, weights=weights)[0]

    def _case_info(self) -> JsonDict:
        state = self.jurisdiction.removeprefix("us_").upper()
        info: JsonDict = {
            "case_id": f"SYN-{state}-{self.incident_day.year}-{self.index:07d}",
            "jurisdiction": self.jurisdiction,
        }
        if self.rng.random() < 0.6:
            info["agency"] = self.rng.choice(
                (
                    "State child welfare agency (synthetic)",
                    "County department of social services (synthetic)",
                    "Tribal child welfare program (synthetic)",
                    "Regional office of the state agency (synthetic)",
                )
            )
        return info

    # ------------------------------------------------------------------------ people
    def _persons(self) -> list[JsonDict]:
        rng = self.rng
        roles: list[str] = []
        if rng.random() < 0.88:
            roles.append("mother")
        elif rng.random() < 0.5:
            roles.append("father")
        else:
            roles.append(rng.choice(("grandmother", "guardian", "kin_caregiver")))
        if rng.random() < 0.07:
            roles.insert(0, rng.choice(("foster_parent", "kin_caregiver")))
        wanted = rng.choices((1, 2, 3, 4), weights=(25, 40, 22, 13))[0]
        while len(roles) < wanted:
            roles.append(_pick(rng, _OPTIONAL_ROLES))
        persons = [self._person(role, i) for i, role in enumerate(roles[:4])]
        if not any(p["caregiver"] == "yes" for p in persons):
            persons[0]["caregiver"] = "yes"
        return persons

    def _person(self, role: str, position: int) -> JsonDict:
        rng = self.rng
        relationship, _, sex = _ROLES[role]
        child_years = self.age_days / _PER["years"]
        person: JsonDict = {
            "id": self.new_id(role),
            "relationship": relationship,
            "_role": role,
        }
        if relationship == "parent" and rng.random() < 0.9:
            person["parent_type"] = rng.choices(("biological", "step", "adoptive"), (90, 7, 3))[0]
        if role == "sibling":
            person["caregiver"] = "yes" if rng.random() < 0.1 else "no"
        elif role == "household_member":
            person["caregiver"] = rng.choice(("yes", "no", "unknown"))
        else:
            person["caregiver"] = "yes" if position == 0 or rng.random() < 0.75 else "no"
        if rng.random() < 0.85:
            person["household_member"] = (
                "no"
                if role in ("daycare_provider", "babysitter")
                else rng.choices(("yes", "no", "unknown"), (80, 15, 5))[0]
            )
        r = rng.random()
        if r < 0.08:
            person["age"] = rng.choice(("unknown", "not_collected"))
        elif r < 0.9:
            if role == "sibling":
                years = int(child_years) + rng.randint(1, 9)
            elif role == "grandmother":
                years = int(child_years) + rng.randint(34, 55)
            else:
                years = max(16, int(child_years) + rng.randint(15, 35))
            person["age"] = {"value": years, "unit": "years"}
        if rng.random() < 0.92:
            person["sex"] = sex or rng.choice(("male", "female"))
        elif rng.random() < 0.5:
            person["sex"] = "unknown"
        return person

    def _child(self, persons: list[JsonDict]) -> JsonDict:
        rng = self.rng
        child: JsonDict = {}
        child["age"] = _age_record(rng, self.age_days) if rng.random() < 0.97 else "unknown"
        child["sex"] = rng.choices(("male", "female", "unknown"), (55, 44, 1))[0]
        r = rng.random()
        if r < 0.06:
            child["race"] = rng.choice(("unknown", "not_collected"))
        else:
            races = {_RACE.pick(rng)}
            if rng.random() < 0.1:
                races.add(_RACE.pick(rng))
            child["race"] = sorted(races)
        child["hispanic"] = rng.choices(("yes", "no", "unknown", "not_collected"), (22, 68, 6, 4))[
            0
        ]
        in_care = any(p["relationship"].endswith("foster_parent") for p in persons)
        if in_care or rng.random() < 0.7:
            child["in_foster_care"] = "yes" if in_care else "no"
        return child

    # ---------------------------------------------------------------------- incident
    def _incident(self) -> JsonDict:
        rng = self.rng
        sc = self.scenario
        fatal = self.incident_type == "fatality"
        incident: JsonDict = {
            "type": self.incident_type,
            "date": _iso(self.incident_day, rng, 0.02),
        }
        self.death_day: date | None = None
        if fatal:
            r = rng.random()
            if r < 0.04:
                incident["date_of_death"] = "unknown"
            else:
                delay = 0 if r < 0.7 else rng.randint(1, 3) if r < 0.9 else rng.randint(4, 40)
                self.death_day = self.incident_day + timedelta(days=delay)
                incident["date_of_death"] = self.death_day.isoformat()
        elif rng.random() < 0.08:
            incident["date_of_death"] = "not_applicable"
        incident["cause_category"] = sc.cause if rng.random() < 0.95 else "unknown"
        if fatal and rng.random() < 0.92:
            incident["manner_of_death"] = _pick(rng, sc.manner)
        elif not fatal and rng.random() < 0.05:
            incident["manner_of_death"] = "not_applicable"
        if self.incident_type != "other_critical_incident" or rng.random() < 0.3:
            incident["medical"] = self._medical()
        parts = [self.text.one(sc.openers)]
        parts += [self.text.one([f]) for f in rng.sample(sc.findings, rng.randint(1, 2))]
        incident["summary"] = " ".join(parts)
        return incident

    def _medical(self) -> JsonDict:
        rng = self.rng
        kind = self.incident_type
        medical: JsonDict = {}
        if kind != "fatality" or rng.random() < 0.2:
            cert: JsonDict = {}
            if kind == "near_fatality":
                cert["certified"] = rng.choices(("yes", "no", "unknown"), (88, 6, 6))[0]
            else:
                cert["certified"] = rng.choices(
                    ("yes", "no", "unknown", "not_collected"), (35, 40, 15, 10)
                )[0]
            if cert["certified"] == "yes":
                cert["condition"] = (
                    _CONDITION.pick(rng)
                    if kind in ("near_fatality", "fatality")
                    else _SERIOUS_CONDITION.pick(rng)
                )
                cert["certifier_role"] = _CERTIFIER.pick(rng)
                cert["date"] = (
                    self.incident_day + timedelta(days=rng.choice((0, 0, 1, 1, 2, 5)))
                ).isoformat()
            medical["physician_certification"] = cert
        if rng.random() < 0.8:
            if kind == "near_fatality":
                hours = round(rng.lognormvariate(math.log(72), 0.8), 1)
            elif kind == "fatality":
                days_alive = (self.death_day - self.incident_day).days if self.death_day else 0
                hours = float(min(24 * days_alive, 24 * 40)) if days_alive else 0.0
            else:
                hours = round(rng.choice((0.0, 0.0, rng.uniform(2, 48))), 1)
            medical["critical_care_hours"] = hours
        elif rng.random() < 0.5:
            medical["critical_care_hours"] = rng.choice(("unknown", "not_collected"))
        r = rng.random()
        if r < 0.1:
            medical["life_saving_procedures"] = rng.choice(("unknown", "not_collected"))
        elif r < 0.85:
            count = 0 if kind == "serious_injury" and rng.random() < 0.6 else rng.randint(1, 3)
            procedures = rng.sample(
                self.scenario.procedures, min(count, len(self.scenario.procedures))
            )
            medical["life_saving_procedures"] = procedures
        return medical

    # --------------------------------------------------------------- maltreatments
    def _maltreatments(self, caregivers: list[JsonDict]) -> list[JsonDict]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), (50, 30, 14, 6))[0]
        types = [_pick(rng, self.scenario.maltreatment)]
        while len(types) < count:
            t = _MALTREATMENT_ANY.pick(rng)
            if t not in types:
                types.append(t)
        result = []
        for i, mtype in enumerate(types):
            m: JsonDict = {"id": self.new_id(f"m{i + 1}"), "type": mtype}
            m["finding"] = _FINDING.pick(rng)
            r = rng.random()
            if r < 0.85:
                k = 1 if len(caregivers) == 1 or rng.random() < 0.7 else 2
                m["alleged_responsible"] = [p["id"] for p in rng.sample(caregivers, k)]
            elif r < 0.93:
                m["alleged_responsible"] = []
            m["causal_role"] = (
                _CAUSAL.pick(rng)
                if i == 0
                else rng.choice(("contributed", "not_a_factor", "not_a_factor", "unknown"))
            )
            result.append(m)
        return result

    def _determinations(self, maltreatments: list[JsonDict], incident: JsonDict) -> list[JsonDict]:
        rng = self.rng
        fatal = self.incident_type == "fatality"
        pool = ["cps_agency", "law_enforcement", "prosecutor", "court"]
        pool += ["medical_examiner", "child_death_review_team"] if fatal else ["physician"]
        count = rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 17, 8))[0]
        chosen = [a for a in pool if a in ("medical_examiner", "cps_agency")][: min(count, 2)]
        rest = [a for a in pool if a not in chosen]
        chosen += rng.sample(rest, max(0, min(count - len(chosen), len(rest))))
        result: list[JsonDict] = []
        for authority in chosen:
            d: JsonDict = {"id": self.new_id(f"d{len(result) + 1}"), "authority": authority}
            if rng.random() < 0.9:
                d["date"] = _iso(
                    _between(rng, self.incident_day, self.horizon - timedelta(days=1)), rng, 0.05
                )
            if rng.random() < 0.8:
                d["evidence_standard"] = _pick(rng, _STANDARD[authority])
            if authority == "medical_examiner" and "manner_of_death" in incident:
                d["manner_of_death"] = incident["manner_of_death"]
            if authority in ("cps_agency", "court"):
                d["finding"] = maltreatments[0]["finding"]
            if authority in ("medical_examiner", "physician", "child_death_review_team"):
                d["causal_role"] = maltreatments[0]["causal_role"]
            refs = [m["id"] for m in maltreatments if rng.random() < 0.7]
            if refs:
                d["maltreatments"] = refs
            if rng.random() < 0.7:
                d["note"] = self.text.one(_DETERMINATION_NOTES[authority])
            result.append(d)
        return result

    # ----------------------------------------------------------------------- history
    def _history(self, persons: list[JsonDict], maltreatments: list[JsonDict]) -> list[JsonDict]:
        rng = self.rng
        wanted = 0 if rng.random() < 0.3 else min(25, 1 + int(rng.expovariate(1 / 7)))
        events: list[JsonDict] = []
        # Prior involvement: chains that start up to eight years before the incident.
        window = self.incident_day - timedelta(days=rng.randint(180, 8 * 365))
        starts = sorted(
            _between(rng, window, self.incident_day - timedelta(days=14)) for _ in range(30)
        )
        for start in starts:
            if len(events) >= wanted:
                break
            events += self._chain(start, persons, wanted - len(events))
        # The report of the incident itself, and its investigation.
        if rng.random() < 0.55 and len(events) + 2 <= 25:
            events += self._incident_chain(persons, maltreatments)
        # A timeline in date order (stable: an event never precedes the one it follows).
        events.sort(key=lambda e: e["_day"])
        for i, e in enumerate(events, start=1):
            e["id"] = self.new_id(f"h{i}")
        return [self._ordered(e) for e in events]

    @staticmethod
    def _ordered(event: JsonDict) -> JsonDict:
        keys = ("id", "type", "date", "end_date", "subjects", "finding", "maltreatment_types")
        out = {k: event[k] for k in keys if k in event}
        if "_origin" in event:
            out["related_to"] = event["_origin"]["id"]
        if "note" in event:
            out["note"] = event["note"]
        return out

    def _subjects(self, day: date, persons: list[JsonDict]) -> list[str]:
        rng = self.rng
        # Reports about an expected child can precede birth; stay well inside the margin
        # the checks allow (300 days before the earliest possible birth).
        child_ok = day >= self.birth - timedelta(days=200)
        subjects = ["child"] if child_ok and rng.random() < 0.9 else []
        others = [p["id"] for p in persons]
        subjects += rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2))))
        return subjects or [rng.choice(others)]

    def _event(
        self,
        kind: str,
        day: date,
        subjects: list[str],
        *,
        origin: JsonDict | None = None,
        end: date | None = None,
        finding: str | None = None,
        maltreatment_types: list[str] | None = None,
        month_share: float = 0.0,
    ) -> JsonDict:
        rng = self.rng
        e: JsonDict = {"type": kind, "date": _iso(day, rng, month_share), "_day": day}
        if end is not None:
            e["end_date"] = end.isoformat()
        e["subjects"] = list(subjects)
        if finding is not None:
            e["finding"] = finding
        if maltreatment_types:
            e["maltreatment_types"] = maltreatment_types
        if origin is not None:
            e["_origin"] = origin
        if rng.random() < 0.85:
            note = self.text.fill(
                rng.choice(_EVENT_NOTES[kind]),
                reporter=rng.choice(_REPORTERS),
                concern=rng.choice(_CONCERNS),
            )
            e["note"] = _sentence(note)
        return e

    def _end(self, start: date, lo: int, hi: int) -> date | None:
        """An end date after ``start``, or None (still open) when it would pass the horizon."""
        end = start + timedelta(days=self.rng.randint(lo, hi))
        return end if end < self.horizon else None

    def _chain(self, start: date, persons: list[JsonDict], room: int) -> list[JsonDict]:
        """One episode of prior involvement: a report and what followed from it."""
        rng = self.rng
        share = 0.15 if (self.incident_day - start).days > 365 else 0.0
        subjects = self._subjects(start, persons)
        kinds = sorted({_MALTREATMENT_ANY.pick(rng) for _ in range(rng.choice((1, 1, 2)))})
        if rng.random() < 0.35 or room == 1:
            return [
                self._event(
                    "screened_out_report",
                    start,
                    subjects,
                    maltreatment_types=kinds,
                    month_share=share,
                )
            ]
        report = self._event("report", start, subjects, maltreatment_types=kinds, month_share=share)
        follow = "assessment" if rng.random() < 0.25 else "investigation"
        finding = (
            rng.choice(("alternative_response_victim", "alternative_response_nonvictim"))
            if follow == "assessment"
            else _PRIOR_FINDING.pick(rng)
        )
        begin = start + timedelta(days=rng.randint(0, 3))
        inquiry = self._event(
            follow,
            begin,
            subjects,
            origin=report,
            end=self._end(begin, 20, 90),
            finding=finding,
            maltreatment_types=kinds,
        )
        chain = [report, inquiry]
        steps: list[str] = []
        if finding in ("substantiated", "indicated", "alternative_response_victim") or (
            rng.random() < 0.2
        ):
            steps = rng.choice(
                (
                    ["safety_plan"],
                    ["service"],
                    ["open_case", "service"],
                    ["safety_plan", "family_preservation_service"],
                    ["court_action", "out_of_home_placement", "reunification"],
                    ["open_case", "court_action", "out_of_home_placement"],
                )
            )
        last, day = inquiry, begin + timedelta(days=rng.randint(20, 90))
        for kind in steps:
            if len(chain) >= room or day >= self.incident_day:
                break
            end = None
            if kind in ("open_case", "service", "family_preservation_service", "safety_plan"):
                end = self._end(day, 30, 400)
            elif kind == "out_of_home_placement":
                end = self._end(day, 60, 500)
            event = self._event(kind, day, subjects, origin=last, end=end)
            chain.append(event)
            if kind == "out_of_home_placement":
                if end is None or end >= self.incident_day:
                    break  # still in care at the incident: no reunification to record
                last, day = event, end  # reunification ends the placement
                continue
            if kind in ("court_action", "open_case"):
                last = event
            day += timedelta(days=rng.randint(1, 120))
        return chain[:room]

    def _incident_chain(
        self, persons: list[JsonDict], maltreatments: list[JsonDict]
    ) -> list[JsonDict]:
        """The report of the incident itself and the investigation that answers it."""
        day = self.incident_day
        subjects = self._subjects(day, persons)
        kinds = sorted({m["type"] for m in maltreatments})
        report = self._event("report", day, subjects, maltreatment_types=kinds)
        finding = maltreatments[0]["finding"]
        pending = finding == "pending"
        if not pending:
            report["finding"] = finding
        investigation = self._event(
            "investigation",
            day,
            subjects,
            origin=report,
            end=None if pending else self._end(day, 30, 120),
            finding=finding,
        )
        return [report, investigation]

    # ------------------------------------------------------------------------ review
    def _review(self) -> JsonDict:
        rng = self.rng
        fatal = self.incident_type == "fatality"
        review: JsonDict = {
            "type": "child_death_review" if fatal and rng.random() < 0.3 else _REVIEW_TYPE.pick(rng)
        }
        span = (self.horizon - self.incident_day).days
        if rng.random() < 0.9:
            started = self.incident_day + timedelta(days=rng.randint(7, max(8, span // 3)))
            review["started"] = _iso(started, rng, 0.05)
        elif rng.random() < 0.5:
            review["started"] = "not_collected"
        if self.review_completed:
            review["completed"] = self.horizon.isoformat()
        return review

    def _extensions(self) -> JsonDict:
        rng = self.rng
        ns = self.jurisdiction
        data: JsonDict = {
            "county_fips": f"{rng.randint(1, 56):02d}{rng.randrange(1, 200, 2):03d}",
            "intake_track": rng.choice(("investigation", "family_assessment")),
        }
        if self.incident_type == "near_fatality":
            data["near_fatality_form"] = rng.choice(("submitted", "pending", "not_required"))
        if rng.random() < 0.5:
            data["public_disclosure"] = {
                "requested": rng.random() < 0.5,
                "released_sections": rng.sample(
                    ["summary", "findings", "prior_history", "recommendations"], rng.randint(0, 3)
                ),
            }
        if rng.random() < 0.3:
            data["workload_at_incident"] = {
                "caseload": rng.randint(8, 40),
                "vacancy_rate": round(rng.uniform(0, 0.4), 2),
            }
        return {ns: data}

    # -------------------------------------------------------------------------- size
    def _grow_text(self, case: JsonDict) -> None:
        """Add narrative sentences until the case reaches its drawn size (5-20 KB)."""
        rng = self.rng
        target = int(min(19_000, max(5_200, rng.lognormvariate(math.log(9_500), 0.33))))
        deficit = target - len(case_bytes(case))
        if deficit <= 0:
            return
        # Where text goes: (object, key, sections); the summary takes the largest share.
        summary = (case["incident"], "summary", None)
        slots: list[tuple[JsonDict, str, Sequence[str] | None]] = [summary] * 6
        slots += [(e, "note", ("event", "event", "context")) for e in case.get("history", ())]
        slots += [(d, "note", ("timeline", "response")) for d in case.get("determinations", ())]
        added: dict[int, list[str]] = {}
        owners: dict[int, tuple[JsonDict, str]] = {}
        while deficit > 0:
            owner, key, sections = rng.choice(slots)
            sentence = self.text.narrative(sections)
            added.setdefault(id(owner), []).append(sentence)
            owners[id(owner)] = (owner, key)
            deficit -= len(sentence.encode()) + 1
        for ident, sentences in added.items():
            owner, key = owners[ident]
            text = " ".join(sentences)
            owner[key] = f"{owner[key]} {text}" if key in owner else text


# ----------------------------------------------------------------------------------- API


def generate_case(rng: random.Random, index: int) -> JsonDict:
    """Return one synthetic, valid case as a JSON-ready dict.

    Args:
        rng: the random source; the case depends only on its state and ``index``.
        index: the case's number in its run, used in the case id (unique per run).
    """
    return _Builder(rng, index).build()


def _rng(seed: int, index: int) -> random.Random:
    return random.Random(f"npcs-bench:{seed}:{index}")


def iter_cases(n: int, seed: int = DEFAULT_SEED) -> Iterator[JsonDict]:
    """Yield ``n`` cases; case ``i`` depends only on ``(seed, i)``."""
    for index in range(n):
        yield generate_case(_rng(seed, index), index)


def case_bytes(case: JsonDict) -> bytes:
    """Serialise a case as one compact JSON line (without the newline), deterministically."""
    return json.dumps(case, ensure_ascii=False, separators=(",", ":")).encode()


def iter_case_bytes(n: int, seed: int = DEFAULT_SEED) -> Iterator[bytes]:
    """Yield ``n`` cases as compact JSON bytes (the JSON Lines records, without newlines)."""
    for case in iter_cases(n, seed):
        yield case_bytes(case)


def invalid_cases(n: int = 200, seed: int = DEFAULT_SEED) -> list[str]:
    """Validate ``n`` generated cases fully; return one line per case that is not clean.

    A case is clean when ``parse_case`` accepts it with no problem at all (no error and no
    warning). An empty list means every case passed. Meant for a pytest check::

        assert invalid_cases(200) == []
    """
    failures = []
    for index, data in enumerate(iter_case_bytes(n, seed)):
        result = parse_case(data, format="json", file=f"case-{index}")
        if not result.ok or result.problems:
            listed = "; ".join(f"{p.code} {p.pointer}: {p.message}" for p in result.problems)
            failures.append(f"case {index}: {listed}")
    return failures


# ----------------------------------------------------------------------- review graphs
#
# A separate, optional generator: a review (``npcs_review.models.Review``) with a systemic
# factor graph, for the graph analyses. It draws from its own random streams and touches none
# of the case generator's state, so every case above stays byte-identical.


class _Theme:
    """A recurring kind of factor: its taxonomy code, level, work-system elements and text."""

    def __init__(
        self,
        code: str,
        level: str,
        elements: Sequence[str],
        factor_type: str,
        short: str,
        statement: str,
    ) -> None:
        _check("system_level", level)
        _check("work_system_element", *elements)
        _check("factor_type", factor_type)
        self.code, self.level, self.elements = code, level, list(elements)
        self.factor_type, self.short, self.statement = factor_type, short, statement


# The taxonomy the themes' codes belong to (a small synthetic vocabulary, so reviews
# aggregate), and a second, coarser one (HFACS tiers) that some factors also carry.
REVIEW_TAXONOMY = "cw_theme"
_HFACS = "hfacs"
_HFACS_TIER = {
    "law_policy_funding": "organizational_influences",
    "oversight_regulation": "organizational_influences",
    "agency_organization": "organizational_influences",
    "supervision_team": "supervision",
    "frontline_practice": "preconditions",
    "family_community_environment": "preconditions",
}
_check("system_level", *_HFACS_TIER)

_THEMES: tuple[_Theme, ...] = (
    # law, policy and funding
    _Theme(
        "substance_use_treatment_capacity",
        "law_policy_funding",
        ["external_environment", "organization"],
        "condition",
        "the shortage of funded treatment slots",
        "Funded substance-use treatment slots for parents of infants were few in the county, "
        "so referrals waited several weeks.",
    ),
    _Theme(
        "home_visiting_funding",
        "law_policy_funding",
        ["external_environment"],
        "condition",
        "the home-visiting waiting list",
        "Funding for voluntary home visiting covered a fraction of eligible families, so the "
        "family was placed on a waiting list.",
    ),
    _Theme(
        "plan_of_safe_care_guidance",
        "law_policy_funding",
        ["external_environment", "tasks"],
        "condition",
        "the open question of who owned the plan of safe care",
        "State guidance on plans of safe care left open which agency owned the plan, so the "
        "hospital and CPS each expected the other to lead.",
    ),
    _Theme(
        "statutory_timeframes",
        "law_policy_funding",
        ["organization"],
        "condition",
        "the first-contact response clock",
        "Statutory timeframes counted only the first contact, so follow-up visits competed "
        "with new reports for the same hours.",
    ),
    # oversight and regulation
    _Theme(
        "qa_sample_small",
        "oversight_regulation",
        ["organization"],
        "condition",
        "the small quality-assurance sample",
        "Quality-assurance reviews sampled few open assessments each quarter, so drift in "
        "safety-assessment practice was not visible to managers.",
    ),
    _Theme(
        "review_recommendations_untracked",
        "oversight_regulation",
        ["organization"],
        "condition",
        "untracked earlier recommendations",
        "Recommendations from earlier fatality reviews had no tracking owner, so a similar "
        "hand-off gap stayed open.",
    ),
    _Theme(
        "kinship_home_monitoring",
        "oversight_regulation",
        ["external_environment", "tasks"],
        "condition",
        "calendar-based kinship monitoring",
        "Monitoring of the relative caregiver's home followed a fixed calendar rather than "
        "case risk, so changes in the household were seen late.",
    ),
    # agency and organization
    _Theme(
        "caseload_above_standard",
        "agency_organization",
        ["organization", "person"],
        "condition",
        "high caseloads",
        "Caseloads in the unit averaged above the agency standard because of vacancies, which "
        "shortened home visits.",
    ),
    _Theme(
        "staff_turnover",
        "agency_organization",
        ["organization"],
        "condition",
        "worker turnover",
        "Several positions in the unit had turned over within the year, so the case had three "
        "assigned workers in four months.",
    ),
    _Theme(
        "cms_prior_report_alert",
        "agency_organization",
        ["tools_technology"],
        "condition",
        "the missing prior-report alert",
        "The case-management system showed no alert on prior reports about the same "
        "household at intake, so the history had to be searched for by hand.",
    ),
    _Theme(
        "hospital_cps_handoff",
        "agency_organization",
        ["external_environment", "tasks"],
        "condition",
        "the unstandardized hospital-to-CPS hand-off",
        "There was no standard hand-off from the hospital to CPS at discharge, so the "
        "safe-care plan did not reach the assigned worker.",
    ),
    _Theme(
        "ambiguous_reopen_policy",
        "agency_organization",
        ["organization", "tasks"],
        "condition",
        "the ambiguous re-opening policy",
        "The policy on when to re-open an assessment after a new report could be read two "
        "ways, so units applied it differently.",
    ),
    _Theme(
        "safe_sleep_training_design",
        "agency_organization",
        ["organization", "person"],
        "condition",
        "safe-sleep content limited to new-worker training",
        "Safe-sleep content was part of new-worker training only, so experienced workers had "
        "no refresher on the current guidance.",
    ),
    _Theme(
        "after_hours_staffing",
        "agency_organization",
        ["organization", "internal_environment"],
        "condition",
        "thin after-hours staffing",
        "After-hours coverage was one on-call worker for several counties, so non-urgent "
        "reports waited until the next business day.",
    ),
    _Theme(
        "field_record_access",
        "agency_organization",
        ["tools_technology", "internal_environment"],
        "condition",
        "no field access to the case record",
        "Workers had no mobile access to the case record in the field, so visit notes were "
        "entered days later.",
    ),
    # supervision and team
    _Theme(
        "supervisor_carries_cases",
        "supervision_team",
        ["organization", "person"],
        "condition",
        "a supervisor who also carried cases",
        "The unit supervisor also carried cases, so consultations on open assessments were brief.",
    ),
    _Theme(
        "transfer_without_joint_visit",
        "supervision_team",
        ["tasks", "organization"],
        "decision",
        "the transfer without a joint visit",
        "The case moved between units without a joint visit, so context known to the first "
        "worker did not travel with it.",
    ),
    _Theme(
        "after_hours_no_record_access",
        "supervision_team",
        ["tools_technology", "internal_environment"],
        "condition",
        "after-hours screening without the record",
        "The on-call worker could not open the case record after hours, so the report was "
        "screened without its history.",
    ),
    _Theme(
        "late_safety_plan_review",
        "supervision_team",
        ["tasks"],
        "variability",
        "the late review of the safety plan",
        "Supervisory review of the safety plan took place after the plan was in place, so its "
        "gaps surfaced late.",
    ),
    _Theme(
        "no_case_huddle",
        "supervision_team",
        ["organization"],
        "condition",
        "the absence of a regular case huddle",
        "The team had no regular case huddle, so concerns noted by one worker did not reach "
        "the others.",
    ),
    # frontline practice
    _Theme(
        "household_composition_unverified",
        "frontline_practice",
        ["tasks", "person"],
        "decision",
        "the safety assessment based on the caregiver's account",
        "The safety assessment relied on the caregiver's account of who lived in the home, so "
        "a new adult in the household was not assessed.",
    ),
    _Theme(
        "safe_sleep_education_not_documented",
        "frontline_practice",
        ["tasks"],
        "omission",
        "undocumented safe-sleep education",
        "Safe-sleep education at the home visit was not documented, so whether bed sharing "
        "was discussed is not known.",
    ),
    _Theme(
        "prior_reports_not_reviewed",
        "frontline_practice",
        ["tasks", "tools_technology"],
        "omission",
        "the unreviewed prior reports",
        "Prior reports were not reviewed before the first visit because the history screen "
        "took several steps to reach.",
    ),
    _Theme(
        "substance_use_screen_not_completed",
        "frontline_practice",
        ["tasks"],
        "omission",
        "the incomplete substance-use screen",
        "A substance-use screen was not completed at the assessment, so no treatment "
        "referral followed.",
    ),
    _Theme(
        "collateral_by_phone_only",
        "frontline_practice",
        ["tasks", "external_environment"],
        "variability",
        "collateral contacts by phone only",
        "Collateral contacts with the pediatric clinic were attempted by phone only, so the "
        "missed appointments came to light later.",
    ),
    _Theme(
        "visits_in_business_hours",
        "frontline_practice",
        ["tasks", "internal_environment"],
        "variability",
        "visits during business hours",
        "Home visits were scheduled during business hours, when the second caregiver was at work.",
    ),
    _Theme(
        "referral_missing_withdrawal_treatment",
        "frontline_practice",
        ["external_environment", "tasks"],
        "condition",
        "the referral without the withdrawal treatment",
        "The hospital referral did not mention the infant's withdrawal treatment, so the "
        "report was rated lower at intake.",
    ),
    # family, community and environment
    _Theme(
        "unsafe_sleep_environment",
        "family_community_environment",
        ["external_environment", "person"],
        "condition",
        "the adult-bed sleep environment",
        "The infant slept in an adult bed with soft bedding, which raised the risk of airway "
        "obstruction.",
    ),
    _Theme(
        "caregiver_substance_use",
        "family_community_environment",
        ["person"],
        "condition",
        "caregiver substance use",
        "Caregiver substance use reduced the capacity to supervise the children at night.",
    ),
    _Theme(
        "housing_instability",
        "family_community_environment",
        ["external_environment"],
        "condition",
        "repeated moves",
        "The family moved three times in six months, so services lost contact with them.",
    ),
    _Theme(
        "transport_access",
        "family_community_environment",
        ["external_environment"],
        "condition",
        "the lack of transport",
        "The family had no reliable transport, so clinic appointments were missed.",
    ),
    _Theme(
        "undisclosed_domestic_violence",
        "family_community_environment",
        ["person"],
        "condition",
        "undisclosed violence between the adults",
        "Violence between the adults in the home was not disclosed to the worker, so the "
        "safety plan did not address it.",
    ),
    _Theme(
        "caregiver_isolation",
        "family_community_environment",
        ["external_environment", "person"],
        "condition",
        "the caregiver's isolation",
        "The caregiver had no relatives or friends nearby to share infant care.",
    ),
)
_THEME_BY_CODE = {t.code: t for t in _THEMES}

# Kinds of incident whose themes travel together (so that co-occurrence has structure):
# themes named here are four times as likely in a review of that kind.
_REVIEW_PATTERNS: dict[str, tuple[str, ...]] = {
    "unsafe_sleep": (
        "unsafe_sleep_environment",
        "safe_sleep_education_not_documented",
        "safe_sleep_training_design",
        "caregiver_substance_use",
        "home_visiting_funding",
        "caregiver_isolation",
    ),
    "substance_exposed_infant": (
        "hospital_cps_handoff",
        "plan_of_safe_care_guidance",
        "substance_use_treatment_capacity",
        "substance_use_screen_not_completed",
        "referral_missing_withdrawal_treatment",
        "caregiver_substance_use",
    ),
    "chronic_neglect": (
        "prior_reports_not_reviewed",
        "cms_prior_report_alert",
        "ambiguous_reopen_policy",
        "staff_turnover",
        "transfer_without_joint_visit",
        "housing_instability",
    ),
    "after_hours_report": (
        "after_hours_staffing",
        "after_hours_no_record_access",
        "caseload_above_standard",
        "supervisor_carries_cases",
        "visits_in_business_hours",
        "undisclosed_domestic_violence",
    ),
}
for _codes in _REVIEW_PATTERNS.values():
    if unknown := [c for c in _codes if c not in _THEME_BY_CODE]:
        raise RuntimeError(f"benchmarks/generate.py: unknown review themes {unknown}")

_BARRIERS: tuple[tuple[str, str, str], ...] = (
    (
        "Supervisory review of the safety plan before case closure",
        "supervisory_review",
        "supervision_team",
    ),
    ("Hospital-to-CPS notification at discharge", "cross_agency", "agency_organization"),
    (
        "Case-management alert on prior reports about the household",
        "technical",
        "agency_organization",
    ),
    ("Safe-sleep check at each home visit", "policy", "frontline_practice"),
    ("Second-person review of screened-out reports", "supervisory_review", "supervision_team"),
    (
        "A relative able to share night-time infant care",
        "family_protective",
        "family_community_environment",
    ),
    ("Structured safety assessment instrument", "tool", "frontline_practice"),
)
for _description, _barrier_type, _level in _BARRIERS:
    _check("barrier_type", _barrier_type)
    _check("system_level", _level)

_REVIEW_EVENTS: tuple[tuple[str, str, bool], ...] = (
    ("A report about the household was screened in for assessment.", "frontline_practice", True),
    ("The assigned worker made the first home visit.", "frontline_practice", False),
    ("The hospital discharged the infant home with the parents.", "frontline_practice", False),
    ("The supervisor approved the safety plan.", "supervision_team", True),
    ("The case was transferred to the ongoing-services unit.", "supervision_team", True),
    ("An after-hours report was taken by the on-call worker.", "frontline_practice", True),
    (
        "The assessment was closed with a referral to community services.",
        "frontline_practice",
        True,
    ),
    ("The family missed a scheduled clinic appointment.", "family_community_environment", False),
    ("A relative called the hotline with a new concern.", "family_community_environment", False),
)
_RATIONALE = (
    "With the information on screen at the time, the risk appeared to be managed by the plan.",
    "The caseload that week left one slot for the visit, and the report was rated lower.",
    "The policy in force allowed closure once the referral was made.",
)
_VERBS = (
    "reduced the time available for",
    "left less information for",
    "made it harder to see the risk in",
    "shifted attention away from",
    "shaped",
)
_EVIDENCE_TEXT = (
    "Case record of the assessment",
    "Interview with the assigned worker",
    "Interview with the unit supervisor",
    "Agency policy on safety assessment in force at the time",
    "Hospital discharge summary",
    "Unit caseload report for the quarter",
    "Hotline intake record",
)
_FINDINGS = (
    "Upper-level conditions narrowed the options the front line had at each decision point.",
    "Information held by partner agencies did not reach the people making the decisions.",
    "The defences expected to catch the risk depended on people remembering to use them.",
)
_RECOMMENDATION_TEXT = (
    "Add a hard stop in the case-management system that requires the prior-report review.",
    "Standardize the hospital-to-CPS hand-off with a shared discharge checklist.",
    "Fund and enforce caseload caps in case assignment.",
    "Provide refresher training on safe-sleep guidance for all workers.",
    "Issue a memo clarifying when an assessment is re-opened.",
    "Give on-call workers read access to the case record after hours.",
)
_OWNERS = ("agency deputy director", "regional administrator", "training manager", "IT lead")
_TEAM = (
    ("facilitator", None),
    ("CPS supervisor (not involved in the case)", "child welfare agency"),
    ("pediatrician", "hospital"),
    ("substance-use treatment provider", "community provider"),
    ("family advocate", "community organization"),
)
_REVIEW_KINDS = _Weighted(
    "review_type",
    {"systemic_critical_incident_review": 5, "child_death_review": 2, "case_specific_review": 2},
    rest=0.5,
)
_REVIEW_METHODS = _Weighted("review_method", {"safety_systems_analysis": 4, "accimap": 1}, 0.5)
_BARRIER_STATE = _Weighted(
    "barrier_state", {"breached": 5, "absent": 3, "partially_held": 2, "held": 0.5}
)
_LINK_STRENGTH = _Weighted("link_strength", {"weak": 2, "moderate": 4, "strong": 3})
_CONFIDENCE = _Weighted("confidence", {"low": 1, "medium": 3, "high": 2})
_EVIDENCE_SOURCE = _Weighted(
    "evidence_source", {"case_record": 5, "interview": 4, "policy_document": 2}, rest=1
)
_ACTION_TYPE = _Weighted("action_type", {}, rest=1)
_ACTION_STRENGTH = _Weighted("action_strength", {}, rest=1)
_REC_STATUS = _Weighted(
    "recommendation_status",
    {"proposed": 4, "accepted": 3, "implemented": 2, "declined": 0.5},
    rest=0.5,
)
_JURISDICTIONS = _live_codes("jurisdiction")


def _action_strength(action_type: str) -> str | None:
    strength = codelists()["action_type"].get(action_type)
    value = strength.attributes.get("strength") if strength else None
    return value if isinstance(value, str) else None


class _ReviewBuilder:
    """Builds one review graph: ordered from the upper levels down to the outcome."""

    def __init__(self, rng: random.Random, index: int, nodes: int) -> None:
        if nodes < 12:
            msg = f"a generated review needs at least 12 nodes, not {nodes}"
            raise ValueError(msg)
        self.rng, self.index, self.nodes = rng, index, nodes
        self.links: list[JsonDict] = []
        self.pairs: set[tuple[str, str, str]] = set()
        self.kind: dict[str, str] = {"outcome": "outcome"}
        self.short: dict[str, str] = {"outcome": "the incident"}

    def build(self) -> JsonDict:
        rng, n = self.rng, self.nodes
        n_evidence = max(1, n * 12 // 100)
        n_recs = max(1, n // 10)
        n_findings = max(1, n // 20)
        n_barriers = max(1, n * 8 // 100)
        n_events = max(2, n * 15 // 100)
        n_factors = n - n_evidence - n_recs - n_findings - n_barriers - n_events
        pattern = rng.choice(sorted(_REVIEW_PATTERNS))
        incident = _between(rng, date(2021, 1, 1), date(2024, 6, 30))
        self.evidence = [self._evidence(i, incident) for i in range(n_evidence)]
        factors = self._factors(n_factors, pattern)
        barriers = [self._barrier(i) for i in range(n_barriers)]
        events = [self._event(i, n_events, incident) for i in range(n_events)]
        self._causal_links(factors, barriers, events)
        findings = [self._finding(i, factors) for i in range(n_findings)]
        recommendations = [self._recommendation(i, factors) for i in range(n_recs)]
        for factor in factors:
            if rng.random() < 0.3:
                self._link("evidenced_by", factor["id"], rng.choice(self.evidence)["id"])
        review: JsonDict = {
            "type": _REVIEW_KINDS.pick(rng),
            "started": (incident + timedelta(days=rng.randint(20, 60))).isoformat(),
            "completed": (incident + timedelta(days=rng.randint(120, 240))).isoformat(),
            "method": _REVIEW_METHODS.pick(rng),
            "team": [
                {"role": role, **({"agency_type": agency} if agency else {})}
                for role, agency in _TEAM[: rng.randint(3, len(_TEAM))]
            ],
            "debrief_notes": f"Synthetic review {self.index}: no real child, family or case.",
            "events": events,
            "factors": factors,
            "barriers": barriers,
            "findings": findings,
            "recommendations": recommendations,
            "evidence": self.evidence,
            "links": self.links,
        }
        return review

    # ------------------------------------------------------------------ nodes
    def _evidence(self, i: int, incident: date) -> JsonDict:
        node_id = f"ev{i + 1:02d}"
        self.kind[node_id] = "evidence"
        day = incident + timedelta(days=self.rng.randint(-200, 90))
        return {
            "id": node_id,
            "source_type": _EVIDENCE_SOURCE.pick(self.rng),
            "description": self.rng.choice(_EVIDENCE_TEXT),
            "available_at": day.isoformat(),
        }

    def _factors(self, count: int, pattern: str) -> list[JsonDict]:
        rng = self.rng
        boosted = set(_REVIEW_PATTERNS[pattern])
        pool = list(_THEMES)
        chosen: list[_Theme] = []
        while len(chosen) < count:
            if not pool:
                pool = list(_THEMES)  # large reviews: a theme may come back as a second factor
            weights = [4.0 if t.code in boosted else 1.0 for t in pool]
            chosen.append(pool.pop(rng.choices(range(len(pool)), weights=weights)[0]))
        level = codelists()["system_level"].rank
        chosen.sort(key=lambda t: -level(t.level))
        factors = []
        for i, theme in enumerate(chosen):
            node_id = f"f{i + 1:02d}"
            self.kind[node_id] = "factor"
            self.short[node_id] = theme.short
            factor: JsonDict = {
                "id": node_id,
                "statement": theme.statement,
                "level": theme.level,
                "work_system_elements": theme.elements,
                "factor_type": theme.factor_type,
                "confidence": _CONFIDENCE.pick(rng),
            }
            codes = {}
            if rng.random() < 0.9:
                codes[REVIEW_TAXONOMY] = theme.code
            if rng.random() < 0.3:
                codes[_HFACS] = _HFACS_TIER[theme.level]
            if codes:
                factor["taxonomy_codes"] = codes
            if theme.factor_type == "omission":
                factor["duty"] = "Agency practice standard for assessments in force at the time."
            if rng.random() < 0.05:
                factor["no_action_rationale"] = "Addressed by a statewide change already under way."
            factors.append(factor)
        self.levels = {f["id"]: level(f["level"]) for f in factors}
        return factors

    def _barrier(self, i: int) -> JsonDict:
        description, barrier_type, level = self.rng.choice(_BARRIERS)
        node_id = f"b{i + 1:02d}"
        self.kind[node_id] = "barrier"
        self.short[node_id] = description[:1].lower() + description[1:]
        return {
            "id": node_id,
            "description": description,
            "barrier_type": barrier_type,
            "state": _BARRIER_STATE.pick(self.rng),
            "level": level,
        }

    def _event(self, i: int, count: int, incident: date) -> JsonDict:
        rng = self.rng
        description, level, decision = rng.choice(_REVIEW_EVENTS)
        node_id = f"t{i + 1:02d}"
        self.kind[node_id] = "event"
        day = incident - timedelta(days=(count - i) * rng.randint(3, 20))
        self.short[node_id] = f"the decisions on {day.isoformat()}"
        event: JsonDict = {
            "id": node_id,
            "date": day.isoformat(),
            "description": description,
            "is_decision": decision,
            "actor_roles": ["assigned worker"] if level == "frontline_practice" else ["supervisor"],
            "level": level,
        }
        if decision:
            event["local_rationality"] = rng.choice(_RATIONALE)
        return event

    def _finding(self, i: int, factors: list[JsonDict]) -> JsonDict:
        node_id = f"n{i + 1:02d}"
        self.kind[node_id] = "finding"
        for factor in self.rng.sample(factors, min(len(factors), self.rng.randint(1, 3))):
            self._link("supports", node_id, factor["id"])
        return {"id": node_id, "text": _FINDINGS[i % len(_FINDINGS)]}

    def _recommendation(self, i: int, factors: list[JsonDict]) -> JsonDict:
        rng = self.rng
        node_id = f"r{i + 1:02d}"
        self.kind[node_id] = "recommendation"
        action_type = _ACTION_TYPE.pick(rng)
        strength = _action_strength(action_type)
        rec: JsonDict = {
            "id": node_id,
            "text": rng.choice(_RECOMMENDATION_TEXT),
            "action_strength": strength
            if strength and rng.random() < 0.75
            else _ACTION_STRENGTH.pick(rng),
            "action_type": action_type,
            "owner_role": rng.choice(_OWNERS),
            "measure": "Share of assessments meeting the standard, audited quarterly.",
            "status": _REC_STATUS.pick(rng),
        }
        if rec["status"] == "declined":
            rec["status_reason"] = "The change is covered by a statewide project."
        weights = [1 + self.levels[f["id"]] for f in factors]
        for _ in range(rng.randint(1, 2)):
            target = rng.choices(factors, weights=weights)[0]
            self._link("addresses", node_id, target["id"])
        return rec

    # ------------------------------------------------------------------ links
    def _link(self, kind: str, source: str, target: str, **extra: Any) -> None:
        if (kind, source, target) in self.pairs:
            return
        self.pairs.add((kind, source, target))
        self.links.append({"kind": kind, "source": source, "target": target, **extra})

    def _causal(self, source: str, target: str) -> None:
        rng = self.rng
        ks, kt = self.kind[source], self.kind[target]
        if kt == "barrier" and ks != "barrier":
            kind = "breaches"
        elif ks == "barrier" and kt != "barrier" and rng.random() < 0.5:
            kind = "holds"
        else:
            kind = "contributes_to"
        extra: JsonDict = {}
        if kind == "contributes_to":
            verb = rng.choice(_VERBS)
            extra["mechanism"] = _sentence(f"{self.short[source]} {verb} {self.short[target]}.")
            extra["strength"] = _LINK_STRENGTH.pick(rng)
        if rng.random() < 0.8:
            extra["confidence"] = _CONFIDENCE.pick(rng)
        cited = rng.choices((0, 1, 2), weights=(4, 4, 2))[0]
        if cited:
            extra["evidence"] = sorted(
                e["id"] for e in rng.sample(self.evidence, min(cited, len(self.evidence)))
            )
        self._link(kind, source, target, **extra)

    def _causal_links(
        self, factors: list[JsonDict], barriers: list[JsonDict], events: list[JsonDict]
    ) -> None:
        rng = self.rng
        upper = [f["id"] for f in factors if self.levels[f["id"]] >= 2]
        lower = [f["id"] for f in factors if self.levels[f["id"]] < 2]
        lower += [b["id"] for b in barriers]
        rng.shuffle(lower)
        # events keep their time order among themselves
        slots = sorted(rng.sample(range(len(lower) + len(events)), len(events)))
        for slot, event in zip(slots, events, strict=True):
            lower.insert(slot, event["id"])
        order = upper + lower
        last = len(order)
        for i, node in enumerate(order):
            self._causal(node, self._forward(order, i, last))
            if rng.random() < 0.3:
                self._causal(node, self._forward(order, i, last))
            if i > 2 and self.kind[node] == "factor" and rng.random() < 0.03:
                self._causal(node, order[rng.randint(max(0, i - 6), i - 1)])  # a feedback loop
        # every event has a cause in the model (no event is a root of the causal graph)
        caused = {link["target"] for link in self.links}
        for position, node in enumerate(order):
            earlier = [m for m in order[:position] if self.kind[m] != "event"]
            if self.kind[node] == "event" and node not in caused and earlier:
                self._causal(rng.choice(earlier[-8:]), node)
        timeline = [e["id"] for e in events] + ["outcome"]
        for before, after in pairwise(timeline):
            self._link("precedes", before, after)

    def _forward(self, order: list[str], i: int, last: int) -> str:
        j = self.rng.randint(i + 1, min(last, i + 6))
        return order[j] if j < last else "outcome"


def generate_review(rng: random.Random, index: int, nodes: int = 60) -> JsonDict:
    """Return one synthetic review with a systemic factor graph, valid under ``Review``.

    The graph runs from factors at the upper system levels down through frontline and family
    factors, barriers (breached or held) and timeline events to the outcome: every factor,
    barrier and event has a causal path to the outcome, a few factors feed back into earlier
    ones (loops), and recommendations, findings and evidence hang off the factors. Factors
    carry codes from a small vocabulary (taxonomy :data:`REVIEW_TAXONOMY`, about 35 themes such
    as caseloads, supervision, hospital-CPS hand-offs, substance-use treatment capacity,
    safe-sleep education, case-management alerts, ambiguous policy and after-hours coverage;
    some also an ``hfacs`` tier; 10% none), with themes that travel together by kind of
    incident, so that reviews aggregate.

    Args:
        rng: the random source; the review depends only on its state, ``index`` and ``nodes``.
        index: the review's number in its run (named in its debrief notes).
        nodes: the number of nodes besides the outcome (at least 12); about half are factors.

    Raises:
        ValueError: if ``nodes`` is below 12.
    """
    return _ReviewBuilder(rng, index, nodes).build()


def iter_reviews(
    n: int, seed: int = DEFAULT_SEED, nodes: int | None = None
) -> Iterator[tuple[str, str | None, JsonDict]]:
    """Yield ``n`` reviews as ``(review_id, jurisdiction, review)``.

    Review ``i`` depends only on ``(seed, i, nodes)``. Without ``nodes``, each review draws
    its size (12 to 60 nodes, mode 24). The jurisdiction (a ``jurisdiction`` code, None for
    5%) is for the outcome node: a bare review has none.
    """
    for index in range(n):
        rng = random.Random(f"npcs-bench-review:{seed}:{index}")
        size = nodes if nodes is not None else int(rng.triangular(12, 61, 24))
        place = None if rng.random() < 0.05 else rng.choice(_JURISDICTIONS)
        yield f"review-{index:06d}", place, generate_review(rng, index, size)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of cases")
    parser.add_argument("-o", "--output", default="-", help="JSON Lines file (default: stdout)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    total = 0
    to_stdout = args.output == "-"
    out = sys.stdout.buffer if to_stdout else Path(args.output).open("wb")  # noqa: SIM115
    try:
        for data in iter_case_bytes(args.n, args.seed):
            out.write(data + b"\n")
            total += len(data) + 1
        out.flush()
    except BrokenPipeError:  # the reader went away (e.g. piped into head)
        # Point stdout at /dev/null so that the interpreter's final flush does not fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if not to_stdout:
            out.close()
    elapsed = time.perf_counter() - started
    print(
        f"wrote {args.n:,} cases, {total / 1e6:.1f} MB, in {elapsed:.1f} s (seed {args.seed})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
