"""Shared test constants: the IRIs and paths tests name, in one place."""

from pathlib import Path

from rdflib import Namespace

from medkg.vocab import ENTITY, MEDKG, SOURCE

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SOURCES = ROOT / "sources"
ONTOLOGY = ROOT / "ontology"
EXPORTS = ROOT / "exports"
DATA = TESTS / "data"
EXTRA_SOURCES = DATA / "extra-source"  # a second, test-only source merged with the article

MK = ENTITY
ARTICLE = SOURCE["controlling-ms-spasticity"]
TEST_SOURCE = SOURCE["medkg-test-note"]

# Entities of the article
MS = MK.multiple_sclerosis
SPASTICITY = MK.spasticity
NOCTURNAL_SPASMS = MK.nocturnal_spasms
PAIN = MK.pain
CONTRACTURE = MK.contracture
PRESSURE_SORE = MK.pressure_sore
PHYSICAL_THERAPY = MK.physical_therapy
STRETCHING = MK.stretching_program
OCCUPATIONAL_THERAPY = MK.occupational_therapy
SPLINTING = MK.splinting
CASTING = MK.casting
BRACING = MK.bracing
BACLOFEN = MK.baclofen
TIZANIDINE = MK.tizanidine
DIAZEPAM = MK.diazepam
BACLOFEN_PUMP = MK.baclofen_pump
BOTOX = MK.botulinum_toxin_injection
RHIZOTOMY = MK.rhizotomy
TENDON_RELEASE = MK.tendon_release

TREATS = MEDKG.treats
ESCALATES_TO = MEDKG.escalatesTo
RISK_OF = MEDKG.riskOf

# What the OWL schema adds for the reasoner (tests/test_reason.py)
TREATED_BY = MEDKG.treatedBy
ESCALATED_FROM = MEDKG.escalatedFrom
RISK_INCREASED_BY = MEDKG.riskIncreasedBy
ESCALATES_EVENTUALLY_TO = MEDKG.escalatesEventuallyTo
FIRST_LINE = MEDKG.FirstLineTreatment
AFTER_ORAL = MEDKG.TreatmentAfterOralMedication
SURGICAL_OPTION = MEDKG.SurgicalOption
UNTREATED_COMPLICATION = MEDKG.ComplicationOfUntreatedSpasticity

__all__ = ["MEDKG", "Namespace"]
