"""mspsite: transparency portals for multi-stakeholder partnerships."""

__version__ = "0.1.0"

from .config import SiteConfig, read_config  # noqa: E402
from .diagnostics import Diagnostic, Location, Report, Severity  # noqa: E402
from .errors import ContentError, MspsiteError  # noqa: E402
from .load import RawDocument, RawProject, load_project  # noqa: E402
from .validate import validate  # noqa: E402

__all__ = [
    "ContentError", "Diagnostic", "Location", "MspsiteError", "RawDocument", "RawProject", "Report",
    "Severity", "SiteConfig", "load_project", "read_config", "validate",
]
