"""budgetkg's vocabulary and SHACL shapes, as Turtle files shipped with the package."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
ONTOLOGY = HERE / "budgetkg.ttl"
SHAPES = HERE / "shapes.ttl"
