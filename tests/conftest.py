import pytest


def pytest_addoption(parser):
    parser.addoption("--regenerate", action="store_true",
                     help="Rewrite golden files (expected-diagnostics.txt, golden sites) from the current output.")


@pytest.fixture
def regenerate(request) -> bool:
    return request.config.getoption("--regenerate")
