"""srs.lazy_stdlib: a module deferred by the command line loads on its first use, and then
answers as itself (the command line's processes are pinned by tests/cli/test_import_budget.py)."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import pytest

from srs import lazy_stdlib


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package ``lazypkg`` with a submodule ``lazypkg.sub`` that counts its loads."""
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text("import sys\nsys.modules['builtins'].__dict__.setdefault('_lazy_loads', [])"
                                      ".append('lazypkg')\nVALUE = 41\ndef plus(x):\n    return x + 1\n")
    (root / "sub.py").write_text("import sys\nsys.modules['builtins'].__dict__['_lazy_loads'].append('sub')\n"
                                 "WORD = 'sub'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import builtins

    monkeypatch.setattr(builtins, "_lazy_loads", [], raising=False)
    yield builtins._lazy_loads  # type: ignore[attr-defined]
    for name in ("lazypkg", "lazypkg.sub"):
        sys.modules.pop(name, None)


def test_a_deferred_module_loads_on_first_use_only(package):
    lazy_stdlib.defer(("lazypkg",))
    import lazypkg  # the stand-in: nothing run yet

    assert package == [] and not lazy_stdlib.loaded("lazypkg")
    assert importlib.util.find_spec("lazypkg").name == "lazypkg" and package == []
    assert lazypkg.plus(lazypkg.VALUE) == 42 and package == ["lazypkg"] and lazy_stdlib.loaded("lazypkg")
    assert sys.modules["lazypkg"] is importlib.import_module("lazypkg") and sys.modules["lazypkg"] is not lazypkg
    assert "plus" in dir(lazypkg)


def test_a_from_import_or_a_submodule_loads_it_too(package):
    lazy_stdlib.defer(("lazypkg",))
    from lazypkg import VALUE

    assert VALUE == 41 and package == ["lazypkg"]
    import lazypkg.sub

    assert lazypkg.sub.WORD == "sub" and package == ["lazypkg", "sub"]


def test_a_submodule_deferred_is_its_packages_attribute_until_loaded(package):
    import lazypkg

    lazy_stdlib.defer(("lazypkg.sub",))
    assert isinstance(lazypkg.sub, lazy_stdlib.Deferred) and package == ["lazypkg"]
    from lazypkg import sub

    assert sub.WORD == "sub" and package == ["lazypkg", "sub"]
    assert lazypkg.sub is sys.modules["lazypkg.sub"] and not isinstance(lazypkg.sub, lazy_stdlib.Deferred)


def test_a_module_already_loaded_is_left_alone():
    real = sys.modules["asyncio"] if "asyncio" in sys.modules else importlib.import_module("asyncio")
    lazy_stdlib.defer()
    assert sys.modules["asyncio"] is real and lazy_stdlib.loaded("asyncio")
