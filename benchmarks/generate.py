"""Synthetic curated sources, shaped like the spasticity article, at any size.

Each file is one synthetic "article" (a ``source`` block with sections) holding several
*clusters*. A cluster mirrors the structure of ``sources/controlling-ms-spasticity.yaml``: a
disease, the symptom it causes and a night-time form of it, pain, two complications, physical and
occupational therapy with their components, three oral drugs (two with brand names), a pump that
delivers one of them, an injection and two operations; linked by the same relations (treats,
escalatesTo over a four-step ladder, riskOf, manifestationOf, delivers, componentOf,
mayNeedRepeating, reservedFor), list subjects and objects included, each with section, anchor,
evidence and, on most, ``applies_when``.

The diseases come from a small pool shared by every file, restated with the same label, type and
definition, so the merge of an entity named by many sources is exercised. Nothing here is medical
content: every label and text says "synthetic". The sources carry no ``xrefs``: identifiers must be
verified against a real terminology, and inventing codes would be exactly the mistake medkg guards
against.

    python benchmarks/generate.py --size 100k --out /tmp/medkg-100k

Output is deterministic: the same size gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

#: Triples one cluster adds to the graph (measured: one cluster adds 504 triples to the graph).
TRIPLES_PER_CLUSTER = 504
#: Clusters per file: about 10k triples per synthetic article.
CLUSTERS_PER_FILE = 18
#: Diseases shared by every file.
DISEASE_POOL = 40
#: Triples of the schema (ontology/medkg.ttl) and of one source document; not generated here.
FIXED_TRIPLES = 273

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

WORDS = (
    "synthetic benchmark placeholder record curated entry sample generated text measured load "
    "graph scale fixture example value note statement step option course dose session review "
    "clinic team article section passage reading version summary detail remark item series"
).split()

SECTIONS = {"intro": "Synthetic introduction", "therapy": "Synthetic therapy section",
            "drugs": "Synthetic drug section", "surgery": "Synthetic surgery section"}


def parse_size(text: str) -> int:
    """``10k``, ``100k``, ``1M`` or a plain number of triples."""
    if text in SIZES:
        return SIZES[text]
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("kKmM")) * scale)


def clusters_for(triples: int) -> int:
    return max(1, round((triples - FIXED_TRIPLES) / TRIPLES_PER_CLUSTER))


class _Text:
    """Deterministic filler text of realistic length."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self, low: int, high: int) -> str:
        text = self.words(low, high)
        return "Synthetic " + text + "."


def _q(text: str) -> str:
    """A YAML double-quoted scalar (our texts hold only letters, digits, spaces and dots)."""
    return '"' + text + '"'


def _entity(out: list[str], eid: str, label: str, etype: str, definition: str | None,
            synonyms: tuple[str, ...] = (), brands: tuple[str, ...] = ()) -> None:
    out.append(f"  - id: {eid}")
    out.append(f"    label: {label}")
    out.append(f"    type: {etype}")
    if synonyms:
        out.append(f"    synonyms: [{', '.join(synonyms)}]")
    if brands:
        out.append(f"    brand_names: [{', '.join(brands)}]")
    if definition:
        out.append(f"    definition: {definition}")


def _ids(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else "[" + ", ".join(ids) + "]"


def _relation(out: list[str], text: _Text, subjects: list[str], predicate: str, section: str, *,
              objects: list[str] | None = None, value: str | None = None, applies: bool = True) -> None:
    out.append(f"  - subject: {_ids(subjects)}")
    out.append(f"    predicate: {predicate}")
    if objects is not None:
        out.append(f"    object: {_ids(objects)}")
    else:
        out.append(f"    value: {value}")
    out.append(f"    section: {section}")
    out.append(f"    anchor: {text.words(3, 6)}")
    out.append(f"    evidence: {text.sentence(14, 24)}")
    if applies:
        out.append(f"    applies_when: {text.words(4, 8)}")


def cluster(file_no: int, no: int, text: _Text) -> tuple[list[str], list[str]]:
    """The entity and relation lines of one cluster (YAML, indented for the top-level lists)."""
    p = f"s{file_no:03d}c{no:03d}"
    disease_no = (file_no * CLUSTERS_PER_FILE + no) % DISEASE_POOL
    disease = f"disease_{disease_no:03d}"
    e = {name: f"{p}_{name}" for name in (
        "symptom", "night", "pain", "comp_a", "comp_b", "pt", "stretch", "ot", "splint", "cast", "brace",
        "oral_a", "oral_b", "oral_c", "pump", "inject", "surg_a", "surg_b")}
    ents: list[str] = []
    _entity(ents, disease, f"synthetic disease {disease_no}", "Condition",
            f"{_q(f'Synthetic disease {disease_no} shared by every benchmark source; not medical content.')}",
            synonyms=(f"SD{disease_no}",))
    kinds = {
        "symptom": ("Condition", 2, 0), "night": ("Condition", 1, 0), "pain": ("Condition", 0, 0),
        "comp_a": ("Complication", 2, 0), "comp_b": ("Complication", 2, 0), "pt": ("PhysicalTherapy", 1, 0),
        "stretch": ("PhysicalTherapy", 2, 0), "ot": ("OccupationalTherapy", 0, 0),
        "splint": ("OccupationalTherapy", 1, 0), "cast": ("OccupationalTherapy", 1, 0),
        "brace": ("OccupationalTherapy", 2, 0), "oral_a": ("OralMedication", 0, 0),
        "oral_b": ("OralMedication", 0, 1), "oral_c": ("OralMedication", 0, 1), "pump": ("Device", 2, 0),
        "inject": ("InjectedOrIntrathecalTherapy", 1, 1), "surg_a": ("SurgicalProcedure", 0, 0),
        "surg_b": ("SurgicalProcedure", 1, 0),
    }
    for name, (etype, n_syn, n_brand) in kinds.items():
        label = f"synthetic {name.replace('_', ' ')} {file_no}-{no}"
        synonyms = tuple(f"{text.words(1, 2)} {name} {file_no}-{no}-{i}" for i in range(n_syn))
        brands = tuple(f"Brand{name.title().replace('_', '')}{file_no}x{no}" for _ in range(n_brand))
        _entity(ents, e[name], label, etype, text.sentence(10, 16), synonyms, brands)
    rels: list[str] = []
    r = _relation
    r(rels, text, [e["symptom"]], "manifestationOf", "intro", objects=[disease], applies=False)
    r(rels, text, [e["stretch"]], "treats", "therapy", objects=[e["symptom"]])
    r(rels, text, [e["stretch"]], "componentOf", "therapy", objects=[e["pt"]], applies=False)
    r(rels, text, [e["pt"], e["ot"]], "treats", "therapy", objects=[e["symptom"]])
    r(rels, text, [e["splint"], e["cast"], e["brace"]], "componentOf", "therapy", objects=[e["ot"]], applies=False)
    orals = [e["oral_a"], e["oral_b"], e["oral_c"]]
    r(rels, text, [e["pt"], e["ot"]], "escalatesTo", "therapy", objects=orals)
    r(rels, text, [e["oral_a"], e["oral_b"]], "treats", "drugs", objects=[e["symptom"]], applies=False)
    r(rels, text, [e["oral_c"]], "treats", "drugs", objects=[e["symptom"]], applies=False)
    r(rels, text, [e["oral_c"]], "treats", "drugs", objects=[e["night"]])
    r(rels, text, [e["night"]], "manifestationOf", "drugs", objects=[e["symptom"]], applies=False)
    r(rels, text, orals, "escalatesTo", "drugs", objects=[e["pump"], e["inject"]])
    r(rels, text, [e["pump"]], "treats", "drugs", objects=[e["symptom"]])
    r(rels, text, [e["pump"]], "delivers", "drugs", objects=[e["oral_a"]], applies=False)
    r(rels, text, [e["inject"]], "treats", "drugs", objects=[e["symptom"]])
    r(rels, text, [e["pump"], e["inject"]], "escalatesTo", "surgery", objects=[e["surg_a"], e["surg_b"]])
    r(rels, text, [e["surg_a"]], "treats", "surgery", objects=[e["symptom"], e["pain"]])
    r(rels, text, [e["surg_b"]], "treats", "surgery", objects=[e["symptom"]])
    r(rels, text, [e["surg_b"]], "mayNeedRepeating", "surgery", value="true", applies=False)
    r(rels, text, [e["surg_a"], e["surg_b"]], "reservedFor", "surgery", value=text.words(5, 9), applies=False)
    r(rels, text, [e["symptom"]], "riskOf", "surgery", objects=[e["comp_a"], e["comp_b"]])
    return ents, rels


def source_file(file_no: int, clusters: int) -> str:
    """One synthetic article: source block, entities, relations."""
    text = _Text(file_no)
    lines = [
        "# Synthetic benchmark source made by benchmarks/generate.py: not medical content.",
        "source:",
        f"  id: synthetic-{file_no:03d}",
        f"  title: Synthetic benchmark article {file_no}",
        "  publisher: medkg benchmark generator",
        "  reviewer: nobody (synthetic)",
        '  review_date: "2000-01-01"',
        "  sections:",
        *(f"    {key}: {heading}" for key, heading in SECTIONS.items()),
    ]
    ents: list[str] = []
    rels: list[str] = []
    for no in range(clusters):
        more_ents, more_rels = cluster(file_no, no, text)
        ents += more_ents
        rels += more_rels
    return "\n".join([*lines, "entities:", *ents, "relations:", *rels]) + "\n"


def generate(out_dir: Path, triples: int) -> int:
    """Write synthetic sources of about ``triples`` triples into ``out_dir`` (emptied); return the file count."""
    total = clusters_for(triples)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    file_no = 0
    while total > 0:
        count = min(CLUSTERS_PER_FILE, total)
        (out_dir / f"synthetic-{file_no:03d}.yaml").write_text(source_file(file_no, count), encoding="utf-8")
        total -= count
        file_no += 1
    return file_no


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k", help="about this many triples: 10k, 100k, 1M or a number")
    ap.add_argument("--out", type=Path, required=True, help="folder to write (its contents are replaced)")
    args = ap.parse_args()
    files = generate(args.out, parse_size(args.size))
    print(f"wrote {files} source files to {args.out}")


if __name__ == "__main__":
    main()
