"""``parley eval ngec-actors``: NGEC's actor-resolution expectations, answered by the built-in knowledge base.

The gold file (``gold/ngec_actor_tests/DERIVED_test_actor_resolution_cases.json``) lists test functions:
calls to NGEC's ``ag.agent_to_code(text, context, date)``, ``ag.short_text_to_agent(text)``,
``ag.search_nat(text)``, ``ag.query_wiki(...)``, ``ag.trf_agent_match(...)`` and the assert expressions
on their results. An adapter answers each call with :meth:`ActorResolver.resolve_text` (offline, no
Wikipedia), then every assert is checked — including asserts inside the few loop statements, which
are rewritten into checks with :mod:`ast` (no assert is skipped silently).

Each check is scored in one group: ``country`` (``code['country']``, ``cc``), ``sector``
(``code['code_1']``), ``sector2`` (``code['code_2']``), ``wiki`` (Wikipedia page titles: we have no
Wikipedia, these count as failures unless the expectation is empty) and ``other``.
Sector codes are compared in PLOVER's convention (medical MED, media JRN; parley's tables use CAMEO's HLH
and MED), a fixed code-for-code mapping applied to every answer except organisations' own codes.
"Today" means the reference date ``TODAY`` (the suite was written in 2022). Records whose call
names a variable that exists only inside a loop the derivation split off (``ag.short_text_to_agent(cop)``)
cannot be evaluated by any resolver: they are counted as ``unevaluable_tests``, not as failures.
"""
from __future__ import annotations

import ast
import json
from datetime import date
from typing import Any

from . import EvalContext

TODAY = date(2022, 6, 1)


def _parse_day(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return TODAY
    if value.strip().lower() == "today":
        return TODAY
    from ..when import iso_date

    iso = iso_date(value)
    return date.fromisoformat(iso) if iso else TODAY


class Adapter:
    """NGEC's actor API, answered by parley's resolver."""

    def __init__(self, resolver: Any):
        self.r = resolver

    def agent_to_code(self, text: Any = "", context: Any = "", known_date: Any = "", query_date: Any = None,
                      **_: Any) -> dict[str, str] | None:
        day = _parse_day(query_date or known_date)
        res = self.r.resolve_text(str(text), day, context=str(context or ""))
        if not res.code and not res.country:
            return None
        org = res.country in {"IGO", "NGO", "MNC"}
        return {"country": res.country if not org else _org_country(res),
                "code_1": _plover_sector(res.code_1, org) or (res.country if org else ""),
                "code_2": _plover_sector(res.code_2, org), "wiki": "", "actor_wiki_job": "", "pattern": res.pattern,
                "description": res.entry}

    def short_text_to_agent(self, text: Any, *_: Any, **__: Any) -> dict[str, str] | None:
        res = self.r.resolve_text(str(text), TODAY)
        if not res.code:
            return None
        from ..actors.kb import _singulars

        last = res.pattern.split("+")[-1].lower() if res.pattern else ""
        org = res.country in {"IGO", "NGO", "MNC"}
        return {"country": res.country, "code_1": _plover_sector(res.code_1, org),
                "code_2": _plover_sector(res.code_2, org),
                "pattern": (_singulars(last) or [last])[0] if last else ""}

    def search_nat(self, text: Any, *_: Any, **__: Any) -> tuple[str, str]:
        """(country, the text without its country words and leading article)."""
        text = str(text)
        res = self.r.resolve_text(text, TODAY)
        if not res.country:
            return "", text
        rest = text
        for piece in res.pattern.split("+"):
            if piece and res.country:
                rest = rest.replace(piece, "", 1) if self._is_country_piece(piece) else rest
        for art in ("an ", "a ", "the ", "An ", "A ", "The "):
            if rest.startswith(art):
                rest = rest[len(art):]
        return res.country, rest.strip()

    def _is_country_piece(self, piece: str) -> bool:
        got = self.r.resolve_text(piece, TODAY)
        return bool(got.country) and not got.code_1

    def query_wiki(self, *_: Any, **__: Any) -> dict[str, str]:
        return {}

    def trf_agent_match(self, *_: Any, **__: Any) -> dict[str, str] | None:
        return None


# NGEC's own country conventions for organisations: the UN system is "UNO", the EU family "EUR",
# NGOs and firms have no country; other intergovernmental bodies stay "IGO".
_UN_SYSTEM = ("IGOUNO", "IGOWHO", "IGOICJ", "IGOFAO", "IGOUNHCR", "IGOUNICEF", "IGOUNESCO", "IGOILO", "IGOIAEA",
              "IGOWFP", "IGOUNDP", "IGOUNRWA", "IGOWMO", "IGOITU", "IGOUPU", "IGOICAO", "IGOIMO", "IGOWIPO",
              "IGOIFAD", "IGOUNIDO", "IGOOCHA", "IGOUNFPA", "IGOUNEP", "IGOOHCHR")


# PLOVER's agent sectors (NGEC's agents dictionary) differ from CAMEO's in two codes: medical people and
# services are MED (CAMEO: HLH) and journalists and media are JRN (CAMEO: MED). International
# organisations keep CAMEO's specialisation codes (the WHO is HLH in both).
_PLOVER_SECTORS = {"HLH": "MED", "MED": "JRN"}


def _plover_sector(code: str, org: bool) -> str:
    return code if org else _PLOVER_SECTORS.get(code, code)


def _org_country(res: Any) -> str:
    if res.code.startswith(_UN_SYSTEM):
        return "UNO"
    if res.code.startswith("IGOEU"):
        return "EUR"
    if res.country in {"NGO", "MNC"}:
        return ""
    return res.country


def _group(src: str) -> str:
    if "'country'" in src or src.startswith("cc "):
        return "country"
    if "'code_1'" in src or "correct_code1" in src:
        return "sector"
    if "'code_2'" in src:
        return "sector2"
    if "wiki" in src:
        return "wiki"
    return "other"


class _AssertToCheck(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> Any:
        src = ast.unparse(node.test)
        call = ast.Expr(ast.Call(func=ast.Name("_check", ast.Load()),
                                 args=[ast.Constant(src), ast.Lambda(
                                     args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                                        defaults=[]), body=node.test)], keywords=[]))
        return ast.copy_location(call, node)


def _statements(test: dict[str, Any]) -> str:
    lines: list[str] = []
    for call in test["calls"]:
        if "other_statement" in call:
            lines.append(call["other_statement"])
            continue
        args = [a["expr"] if isinstance(a, dict) else repr(a) for a in call.get("args", [])]
        kwargs = [f"{k}={v['expr'] if isinstance(v, dict) else repr(v)}" for k, v in call.get("kwargs", {}).items()]
        lines.append(f"{call.get('target') or '_'} = {call['function']}({', '.join(args + kwargs)})")
    for a in test["asserts"]:
        lines.append(f"assert {a}")
    return "\n".join(lines)


def evaluate(ctx: EvalContext) -> dict[str, Any]:
    from ..actors import ActorResolver, KnowledgeBase

    path = ctx.gold("gold", "ngec_actor_tests", "DERIVED_test_actor_resolution_cases.json")
    tests = json.loads(path.read_text("utf-8"))
    from ..where import Gazetteer

    kb = KnowledgeBase.load()
    ag = Adapter(ActorResolver(kb, gazetteer=Gazetteer.load()))
    groups: dict[str, list[int]] = {}
    failures: list[str] = []
    unevaluable: list[str] = []
    for test in ctx.take(tests):
        results: list[tuple[str, bool]] = []

        def _check(src: str, fn: Any) -> None:
            try:
                ok = bool(fn())
            except Exception:  # a missing key, None result, ... is a failed expectation
                ok = False
            results.append((src, ok))

        tree = _AssertToCheck().visit(ast.parse(_statements(test)))
        ast.fix_missing_locations(tree)
        env: dict[str, Any] = {"ag": ag, "_check": _check}
        try:
            exec(compile(tree, f"<ngec:{test['test']}>", "exec"), env)  # noqa: S102 - gold asserts
        except NameError as exc:
            # the derived file split a loop: the call names a loop variable that does not exist here.
            # Such a record cannot be evaluated by any resolver; it is counted apart, not as a failure.
            unevaluable.append(f"{test['test']}: {exc}")
            continue
        except Exception as exc:  # the call itself failed: every assert of the test fails
            for a in test["asserts"]:
                results.append((a, False))
            failures.append(f"{test['test']}: {type(exc).__name__}: {exc}")
        for src, ok in results:
            g = groups.setdefault(_group(src), [0, 0])
            g[0] += int(ok)
            g[1] += 1
            if not ok:
                line = f"FAIL {test['test']}: {src}  | got: " + _describe(env, src)
                failures.append(line)
                if ctx.verbose:
                    ctx.log(line)
    metrics: dict[str, Any] = {"tests": len(list(ctx.take(tests))), "unevaluable_tests": len(unevaluable)}
    for name in ("country", "sector", "sector2", "wiki", "other"):
        if name in groups:
            ok, n = groups[name]
            metrics[f"{name}_n"] = n
            metrics[f"{name}_accuracy"] = round(ok / n, 4) if n else 0.0
    total_ok = sum(g[0] for g in groups.values())
    total = sum(g[1] for g in groups.values())
    metrics["all_asserts_accuracy"] = round(total_ok / total, 4) if total else 0.0
    metrics["_errors"] = failures
    return metrics


def _describe(env: dict[str, Any], src: str) -> str:
    for name in ("code", "cc", "text", "wiki"):
        if name in env and name in src:
            return f"{name}={env[name]!r}"
    return "?"
