"""mspsite: transparency portals for multi-stakeholder partnerships.

The public API is what `__all__` names (documented in docs/api.md); every other module is
internal and may change between versions."""

__version__ = "0.1.0"

from .build import BuildResult, build, check, load  # noqa: E402
from .diagnostics import Diagnostic, Location, Report, Severity  # noqa: E402
from .errors import ContentError, MspsiteError  # noqa: E402
from .settings import Settings, SiteConfig, resolve_settings  # noqa: E402

__all__ = [
    "BuildResult", "ContentError", "Diagnostic", "Location", "MspsiteError", "Report", "Settings", "Severity",
    "SiteConfig", "__version__", "build", "check", "load", "resolve_settings",
]
