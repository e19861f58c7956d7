from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
HEBEI = DATA / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"


@pytest.fixture(scope="session")
def hebei_path() -> Path:
    return HEBEI


@pytest.fixture(scope="session")
def hebei_text() -> str:
    return HEBEI.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def hebei():
    from budgetkg.graph.parse import parse_document

    return parse_document(HEBEI)
