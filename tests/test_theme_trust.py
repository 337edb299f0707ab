"""Themes and template overrides arrive by pull request: they are untrusted (issue 8, items 1-2).

Templates run in Jinja's sandbox; theme files are read only from inside the partnership
folder, never through symbolic links; `check` reports both, located, before any build runs
a template; `check --format github` marks changed theme files for review as code."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2 import TemplateNotFound

from conftest import SOURCE_DATE_EPOCH
from mspsite import check
from mspsite.cli import cli
from mspsite.errors import ContentError
from mspsite.theme import RefusedFile, ThemeLoader, load_theme, static_files, template_environment

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"
SECRET = "root:x:0:0:secret-outside-the-folder"
HINT = "(templates run in a sandbox: use the values and functions a page is given, no names starting with '_')"
LINK = ("symbolic link in a theme folder is refused: theme files are read only from inside the partnership folder, "
        "never through links (copy the file into the folder instead)")


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.delenv("GITHUB_BASE_REF", raising=False)


@pytest.fixture
def src(tmp_path) -> Path:
    """A valid partnership folder, and beside it (outside it) a folder with a secret."""
    shutil.copytree(STARTER, tmp_path / "p")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "passwd").write_text(SECRET)
    return tmp_path / "p"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _check(src: Path) -> list[str]:
    return check(src).format("text").splitlines()


def _build(src: Path):
    return CliRunner().invoke(cli, ["build", str(src)])


def _custom_theme(src: Path) -> Path:
    """theme: mytheme, a folder inside the partnership folder."""
    config = src / "mspsite.yml"
    config.write_text("".join(line if not line.startswith("theme:") else "theme: mytheme\n"
                              for line in config.read_text().splitlines(keepends=True)))
    return _write(src / "mytheme" / "templates" / "stories.html",
                  '{% extends "base.html" %}{% block content %}<h1>Our own stories</h1>{% endblock %}\n').parent.parent


# -- the sandbox ---------------------------------------------------------------------------------------------------

def test_check_refuses_sandbox_escapes_at_their_lines_and_build_runs_nothing(src, tmp_path):
    marker = tmp_path / "pwned"
    _write(src / "overrides" / "stories.html", f"""{{% extends "base.html" %}}
{{% block content %}}
{{{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch {marker}') }}}}
{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}
{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}
{{{{ p|attr('__class__') }}}} {{{{ p['__dict__'] }}}} {{{{ p.stakeholders|map(attribute='name.__class__')|list }}}}
{{% endblock %}}
""")
    assert _check(src) == [
        "overrides/stories.html:3:1: error: template uses '__builtins__', '__globals__', '__import__' and '__init__', "
        f"which the template sandbox refuses {HINT}",
        f"overrides/stories.html:4:1: error: template uses '__class__', '__mro__' and '__subclasses__', which the "
        f"template sandbox refuses {HINT}",
        f"overrides/stories.html:5:1: error: template uses '__globals__' and '__init__', which the template sandbox "
        f"refuses {HINT}",
        f"overrides/stories.html:6:1: error: template uses '__class__', '__dict__' and 'name.__class__', which the "
        f"template sandbox refuses {HINT}",
    ]
    result = _build(src)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{src}/overrides/stories.html:3:1: error: template uses '__builtins__'" in result.output
    assert not marker.exists() and not (src / "site").exists()


def test_build_refuses_an_escape_check_cannot_see_and_runs_nothing(src, tmp_path):
    """Names put together at run time pass the static check; the sandbox refuses them, located."""
    marker = tmp_path / "pwned"
    _write(src / "overrides" / "stories.html", f"""{{% extends "base.html" %}}
{{% block content %}}
{{% set u = "_" ~ "_" %}}
{{{{ self[u ~ "init" ~ u][u ~ "globals" ~ u][u ~ "builtins" ~ u][u ~ "import" ~ u]("os").system("touch {marker}") }}}}
{{% endblock %}}
""")
    assert _check(src) == []
    result = _build(src)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{src}/overrides/stories.html:4:1: error: template: access to attribute '__init__' of " \
           f"'TemplateReference' object is unsafe. {HINT}\n" in result.output
    assert not marker.exists() and not (src / "site").exists()


def test_the_portal_theme_renders_in_the_sandbox_with_an_override(src, tmp_path):
    """An ordinary override still works: it extends the bundled theme and uses its helpers."""
    _write(src / "overrides" / "stories.html", '{% extends "base.html" %}{% block content %}'
           '<h1>{{ _("Our own stories page") }}</h1><p>{{ p.stakeholders|map(attribute="name")|join(", ") }}</p>'
           '{% endblock %}')
    assert _check(src) == []
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "stories" / "index.html").read_text()
    assert "<h1>Our own stories page</h1><p>Community Energy Network, Energy Access Fund, Ministry of Energy</p>" \
        in page


def test_a_template_error_in_an_override_is_located_when_the_folder_is_named_relatively(src, tmp_path, monkeypatch):
    _write(src / "overrides" / "story.html", '{% extends "base.html" %}\n{% block content %}\n{{ no_such_value }}\n'
           '{% endblock %}\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "p"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "p/overrides/story.html:3:1: error: template: rendering stories/" in result.output
    assert "failed: 'no_such_value' is undefined\n" in result.output


def test_a_helper_given_wrong_arguments_in_an_override_is_located_not_a_traceback(src, tmp_path, monkeypatch):
    _write(src / "overrides" / "story.html", '{% extends "base.html" %}\n{% block content %}\n{{ progress() }}\n'
           '{% endblock %}\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "p"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "p/overrides/story.html:3:1: error: template: rendering stories/" in result.output
    assert "progress() missing 1 required positional argument: 'indicator'" in result.output


# -- mspsite's own theme: its faults are located too, at its files outside the folder ------------------------------

BUNDLED = "(the fault is in mspsite's own theme, not in your folder: please report it to the mspsite maintainers)"


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    """The templates of a copy of the bundled portal theme, outside the partnership folder, for a test to break."""
    from mspsite import theme

    portal = tmp_path / "installed" / "portal"
    shutil.copytree(theme.bundled_themes()["portal"], portal)
    monkeypatch.setattr(theme, "bundled_themes", lambda: {"portal": portal})
    return portal / "templates"


@pytest.mark.parametrize("line, message", [
    ("{% if %}", "template: Expected an expression, got 'end of statement block'"),
    ("{{ no_such_value }}", "template: rendering stories/ failed: 'no_such_value' is undefined"),
    ("<a href=\"{{ url('nowhere/') }}\">x</a>",
     "template links to nowhere/index.html on page stories/, a file the build does not make")],
    ids=["syntax", "rendering", "link"])
def test_a_fault_in_the_bundled_theme_is_located_at_its_file_and_said_to_be_ours(src, installed, line, message):
    _write(installed / "stories.html", f'{{% extends "base.html" %}}\n{{% block content %}}\n{line}\n'
           '{% endblock %}\n')
    result = _build(src)
    assert result.exit_code == 1 and not (src / "site").exists()
    assert result.output.splitlines() == [f"{installed}/stories.html:3:1: error: {message} {BUNDLED}",
                                          "Error: not built: 1 error, 0 warnings; the previous site is unchanged"]


# -- no symbolic links, nothing from outside ----------------------------------------------------------------------

def test_include_of_a_symlink_to_a_file_outside_is_refused(src, tmp_path):
    _write(src / "overrides" / "stories.html",
           '{% extends "base.html" %}{% block content %}{% include "secret.html" %}{% endblock %}')
    os.symlink(tmp_path / "outside" / "passwd", src / "overrides" / "secret.html")
    assert _check(src) == [f"overrides/secret.html:1:1: error: {LINK}"]
    result = _build(src)
    assert result.exit_code == 1 and f"{src}/overrides/secret.html:1:1: error: symbolic link" in result.output
    assert SECRET not in result.output and not (src / "site").exists()
    # the loader refuses it itself, whatever check said
    env = template_environment(ThemeLoader(load_theme("portal", src).templates, src))
    with pytest.raises(RefusedFile) as refused:
        env.get_template("secret.html")
    assert str(refused.value.diagnostic.location) == "overrides/secret.html:1:1"


def test_include_through_a_symlinked_folder_is_refused(src, tmp_path):
    _write(tmp_path / "outside" / "parts" / "part.html", SECRET)
    _write(src / "overrides" / "stories.html",
           '{% extends "base.html" %}{% block content %}{% include "parts/part.html" %}{% endblock %}')
    os.symlink(tmp_path / "outside" / "parts", src / "overrides" / "parts")
    assert f"overrides/parts:1:1: error: {LINK}" in _check(src)
    env = template_environment(ThemeLoader(load_theme("portal", src).templates, src))
    with pytest.raises(RefusedFile) as refused:
        env.get_template("parts/part.html")
    assert str(refused.value.diagnostic.location) == "overrides/parts:1:1"


def test_template_names_cannot_leave_their_folder(src, tmp_path):
    _write(src / "overrides" / "stories.html",
           '{% extends "base.html" %}{% block content %}{% include "../../outside/passwd" %}{% endblock %}')
    env = template_environment(ThemeLoader(load_theme("portal", src).templates, src))
    for name in ("../../outside/passwd", "../mspsite.yml", str(tmp_path / "outside" / "passwd")):
        with pytest.raises(TemplateNotFound):
            env.get_template(name)
    result = _build(src)
    assert result.exit_code == 1 and SECRET not in result.output
    assert f"{src}/overrides/stories.html:1:1: error: template: rendering stories/ failed: ../../outside/passwd" \
        in result.output


def test_symlink_in_theme_static_is_refused(src, tmp_path):
    theme = _custom_theme(src)
    _write(theme / "static" / "site.css", "body { color: black }")
    os.symlink(tmp_path / "outside" / "passwd", theme / "static" / "leak.css")
    os.symlink(tmp_path / "outside", theme / "static" / "all")
    assert _check(src) == [f"mytheme/static/all:1:1: error: {LINK}",
                           "mytheme/static/all:1:1: warning: symbolic link to a folder outside the partnership "
                           "folder is ignored",
                           f"mytheme/static/leak.css:1:1: error: {LINK}"]
    result = _build(src)
    assert result.exit_code == 1 and SECRET not in result.output and not (src / "site").exists()
    with pytest.raises(ContentError) as refused:   # the build refuses it itself, whatever check said
        static_files(load_theme("mytheme", src))
    assert refused.value.report.format("text").splitlines() == [f"mytheme/static/all:1:1: error: {LINK}",
                                                                f"mytheme/static/leak.css:1:1: error: {LINK}"]


def test_theme_folder_symlinked_from_outside_is_refused(src, tmp_path):
    _write(tmp_path / "outside" / "theme" / "templates" / "stories.html", SECRET)
    _custom_theme(src)
    shutil.rmtree(src / "mytheme")
    os.symlink(tmp_path / "outside" / "theme", src / "mytheme")
    line = next(i for i, text in enumerate((src / "mspsite.yml").read_text().splitlines(), 1)
                if text.startswith("theme:"))
    refused = (f"mspsite.yml:{line}:8: error: theme 'mytheme': 'mytheme' is a symbolic link; theme files are read "
               "only from inside the partnership folder, never through links (copy the theme folder into the "
               "partnership folder instead)")
    assert _check(src) == [refused, "mytheme:1:1: warning: symbolic link to a folder outside the partnership folder "
                           "is ignored"]
    with pytest.raises(ContentError) as raised:   # for a caller that did not check: the same words, at the same place
        load_theme("mytheme", src)
    assert raised.value.report.format("text") == refused


def test_special_file_in_overrides_is_refused_not_read(src):
    (src / "overrides").mkdir()
    os.mkfifo(src / "overrides" / "stories.html")   # reading it would block the build
    assert _check(src) == ["overrides/stories.html:1:1: error: not a regular file (replace it with an ordinary file)"]


# -- custom themes inside the folder -------------------------------------------------------------------------------

def test_custom_theme_inside_the_folder_checks_clean_and_builds(src, tmp_path):
    theme = _custom_theme(src)
    _write(theme / "static" / "extra.css", "h1 { color: teal }")
    result = CliRunner().invoke(cli, ["check", str(src), "--strict"])
    assert result.exit_code == 0, result.output    # no "folder 'mytheme/' is not part of the format" warning
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "<h1>Our own stories</h1>" in (tmp_path / "out" / "stories" / "index.html").read_text()
    assert (tmp_path / "out" / "assets" / "extra.css").read_text() == "h1 { color: teal }"
    assert (tmp_path / "out" / "assets" / "portal.css").is_file()   # what the theme does not define: portal's


def test_template_syntax_error_in_a_custom_theme_is_located_by_check(src):
    theme = _custom_theme(src)
    _write(theme / "templates" / "story.html", '{% extends "base.html" %}\n{% block content %}\n\n{% if %}\n')
    (theme / "templates" / "page.html").write_bytes(b"{{ 1 }}\n\xff\n")
    assert _check(src) == [
        "mytheme/templates/page.html:2:1: error: invalid UTF-8 byte 0xff: templates are UTF-8 text "
        "(save the file as UTF-8)",
        "mytheme/templates/story.html:4:1: error: template: Expected an expression, got 'end of statement block'"]


# -- notices for the reviewer: theme files are code -----------------------------------------------------------------

def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository whose main branch holds the partnership in part/ with two overrides; the
    current branch 'proposal' comes off it."""
    repo = tmp_path / "repo"
    shutil.copytree(STARTER, repo / "part")
    _write(repo / "part" / "overrides" / "stories.html", '{% extends "base.html" %}\n')
    _write(repo / "part" / "overrides" / "story.html", '{% extends "base.html" %}\n')
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "checkout", "-q", "-b", "proposal")
    return repo


def _github(cwd: Path, *args: str, env: dict | None = None):
    result = subprocess.run(["python", "-m", "mspsite", "check", "part", "--format", "github", *args], cwd=cwd,
                            capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout.splitlines()


def _notice(path: str, since: str) -> str:
    return (f"::notice file=part/{path},line=1,col=1,title=mspsite theme-code::theme file changed since {since}; "
            "review it as code: templates run at every build, static files are served to readers")


def test_github_check_marks_changed_theme_files_only(repo):
    _write(repo / "part" / "overrides" / "stories.html", '{% extends "base.html" %}{# reworded #}\n')
    _write(repo / "part" / "overrides" / "partials" / "new.html", "<p>new</p>\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "proposal")
    _write(repo / "part" / "overrides" / "draft.html", "<p>not committed yet</p>\n")   # untracked: flagged too
    code, lines = _github(repo, "--base", "main", "--strict")
    assert code == 0    # notices never fail the check, even with --strict
    assert lines == [_notice("overrides/draft.html", "main"), _notice("overrides/partials/new.html", "main"),
                     _notice("overrides/stories.html", "main")]


def test_github_check_compares_with_the_pull_requests_base_branch(repo, tmp_path):
    """On a GitHub pull request, GITHUB_BASE_REF names the base branch: origin/<it> is compared with."""
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "-b", "main", str(repo), str(clone))
    assert _github(clone, env={"GITHUB_BASE_REF": "main"}) == (0, [])   # nothing changed
    _write(clone / "part" / "overrides" / "story.html", '{% extends "base.html" %}{# changed #}\n')
    _git(clone, "commit", "-q", "-am", "change")
    assert _github(clone, env={"GITHUB_BASE_REF": "main"}) == (0, [_notice("overrides/story.html", "origin/main")])


def test_github_check_lists_every_theme_file_without_a_base(repo, tmp_path):
    code, lines = _github(repo)
    why = "no base revision to compare with: give --base REV"
    assert code == 0 and lines == [
        f"::notice file=part/overrides/{name},line=1,col=1,title=mspsite theme-code::theme file (all are listed, as "
        f"there is {why}); review it as code: templates run at every build, static files are served to readers"
        for name in ("stories.html", "story.html")]
    code, lines = _github(repo, "--base", "no-such-branch")
    assert code == 0 and len(lines) == 2 and "all are listed, as git cannot compare with no-such-branch" in lines[0]


def test_base_goes_with_the_github_format(repo):
    result = CliRunner().invoke(cli, ["check", str(repo / "part"), "--base", "main"])
    assert result.exit_code == 2 and "--base is for --format github" in result.output
