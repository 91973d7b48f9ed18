#!/usr/bin/env python3
"""Aggregate a dotnet-trace Speedscope file into time per Steadfast method (inclusive) and what Roslyn work it spends
that time in.

    aggregate.py TRACE.speedscope.json [--top 25] [--breakdown 10] [--prefix Steadfast.] [--tsv OUT.tsv]

Read the docs/performance.md section "Round 7: profile" for how it was used. The Speedscope file is what
`dotnet-trace collect --profile dotnet-sampled-thread-time --format Speedscope` writes (or `dotnet-trace convert
--format Speedscope`): one evented profile per thread, frames named `Module!Namespace.Type.Method(args)`.

- Inclusive time of a method: the sampled time during which it is on the thread's stack (counted once however often it
  recurses). Sampled thread time is wall-clock time of each managed thread (about 100 samples a second), not CPU:
  on a loaded machine it includes time waiting for a core, about evenly for every frame.
- The breakdown of a method's time names the Roslyn work under the innermost Steadfast frame of each sample, by the
  first category in CATEGORIES that any frame above it matches; "own code" when no frame is above it.
- "innermost ms": the time during which the method is the innermost Steadfast frame (its own code and the Roslyn or
  BCL work it calls directly).
- The totals line gives the time under any Steadfast frame against the time under the harness's compiler pass
  (`Compilation.GetDiagnostics` outside the analyzer driver) and under the analyzer driver.
"""
import argparse
import collections
import json
import re
import sys

# In priority order: the work under our innermost frame is named by the first category any frame of it matches (a
# dictionary lookup inside the binder counts as binding, a symbol lookup inside nullable analysis as nullable analysis).
CATEGORIES = [
    ("nullable analysis", re.compile(r"NullableWalker")),
    ("flow analysis", re.compile(r"DataFlowPass|ControlFlowPass|DefiniteAssignment|AbstractFlowPass")),
    ("binding (Binder)", re.compile(r"\.Binder\.|Binder_|\.Binder[A-Za-z]*\.|MethodCompiler|BindMethodBody|GetBoundNodes|GetBoundRoot")),
    ("IOperation creation", re.compile(r"CSharpOperationFactory|OperationFactory")),
    ("semantic model (other)", re.compile(r"SemanticModel")),
    ("symbol lookup / metadata", re.compile(r"GetTypeByMetadataName|GetTypesByMetadataName|LookupSymbols|\.PE[A-Z]|Metadata|NamespaceSymbol|GetMembers")),
    ("symbol API (interfaces, equality, attributes)", re.compile(r"AllInterfaces|GetAttributes|SymbolEqualityComparer|FindImplementationForInterfaceMember|Symbols\.PublicModel")),
    ("syntax walk", re.compile(r"DescendantNodes|DescendantTokens|ChildSyntaxList|SyntaxNode\.|SyntaxToken|GreenNode|ChildNodes|Syntax\.InternalSyntax")),
    ("collections", re.compile(r"System\.Collections|System\.Linq|ConditionalWeakTable")),
]
PSEUDO = {"CPU_TIME", "UNMANAGED_CODE_TIME"}  # the sampled-thread-time profile's leaf markers
OWN = "own code"
OTHER = "other (leaf not classified)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--breakdown", type=int, default=10)
    ap.add_argument("--prefix", default="Steadfast.")
    ap.add_argument("--tsv")
    args = ap.parse_args()

    with open(args.trace) as f:
        data = json.load(f)
    frames = [fr["name"] for fr in data["shared"]["frames"]]

    def short(name):
        # Module!Namespace.Type.Method(args) -> Type.Method
        body = name.split("!", 1)[-1]
        body = body.split("(", 1)[0]
        return body

    ours = [("!" + args.prefix) in n or n.startswith(args.prefix) for n in frames]
    rank = []  # per frame: the index of the first category it matches, or len(CATEGORIES)
    for n in frames:
        r = len(CATEGORIES)
        for i, (label, rx) in enumerate(CATEGORIES):
            if rx.search(n):
                r = i
                break
        rank.append(r)
    is_driver = [("AnalyzerDriver" in n or "AnalyzerExecutor" in n) for n in frames]
    is_getdiag = ["Compilation.GetDiagnostics" in n or "CSharpCompilation.GetDiagnostics" in n for n in frames]

    inclusive = collections.Counter()
    self_time = collections.Counter()
    breakdown = collections.defaultdict(collections.Counter)
    total_ours = 0.0
    total_driver = 0.0
    total_compiler_pass = 0.0
    total_all = 0.0
    unit = None

    for prof in data["profiles"]:
        unit = prof.get("unit", unit)
        if prof.get("type") != "evented":
            continue
        stack = []
        our_count = collections.Counter()  # frame -> multiplicity on stack, ours only
        driver_depth = 0
        getdiag_depth = 0
        last = prof.get("startValue", 0)
        for ev in prof["events"]:
            at = ev["at"]
            dt = at - last
            if dt > 0 and stack:
                total_all += dt
                if driver_depth:
                    total_driver += dt
                elif getdiag_depth:
                    total_compiler_pass += dt
                if our_count:
                    total_ours += dt
                    # innermost of our frames, and the category of the work above it
                    innermost = None
                    for i in range(len(stack) - 1, -1, -1):
                        if ours[stack[i]]:
                            innermost = i
                            break
                    region = [f for f in stack[innermost + 1:] if frames[f] not in PSEUDO]
                    if not region:
                        cat = OWN
                    else:
                        best = min(rank[f] for f in region)
                        cat = CATEGORIES[best][0] if best < len(CATEGORIES) else OTHER
                    self_time[stack[innermost]] += dt
                    for fr in our_count:
                        inclusive[fr] += dt
                        breakdown[fr][cat] += dt
            last = at
            fr = ev["frame"]
            if ev["type"] == "O":
                stack.append(fr)
                if ours[fr]:
                    our_count[fr] += 1
                if is_driver[fr]:
                    driver_depth += 1
                if is_getdiag[fr]:
                    getdiag_depth += 1
            else:
                # close: pop to the matching frame
                while stack:
                    top = stack.pop()
                    if ours[top]:
                        our_count[top] -= 1
                        if our_count[top] == 0:
                            del our_count[top]
                    if is_driver[top]:
                        driver_depth -= 1
                    if is_getdiag[top]:
                        getdiag_depth -= 1
                    if top == fr:
                        break

    scale = 1.0
    if unit == "milliseconds":
        scale = 1.0
    elif unit == "seconds":
        scale = 1000.0
    elif unit == "microseconds":
        scale = 0.001
    elif unit == "nanoseconds":
        scale = 1e-6

    def ms(v):
        return v * scale

    print(f"all sampled thread time {ms(total_all)/1000:.1f} s; under the analyzer driver {ms(total_driver)/1000:.1f} s; "
          f"compiler pass outside the driver {ms(total_compiler_pass)/1000:.1f} s; under any {args.prefix} frame {ms(total_ours)/1000:.2f} s")
    print()
    print(f"| # | method | inclusive ms | % of ours | innermost ms |")
    print(f"|---:|---|---:|---:|---:|")
    top = inclusive.most_common(args.top)
    for i, (fr, v) in enumerate(top, 1):
        print(f"| {i} | `{short(frames[fr])}` | {ms(v):,.0f} | {100*v/total_ours if total_ours else 0:.1f}% | {ms(self_time[fr]):,.0f} |")
    print()
    print("Where the top methods' time goes (share of each method's inclusive time):")
    print()
    for fr, v in top[: args.breakdown]:
        parts = ", ".join(f"{label} {100*t/v:.0f}%" for label, t in breakdown[fr].most_common() if 100 * t / v >= 1)
        print(f"- `{short(frames[fr])}` ({ms(v):,.0f} ms): {parts}")
    if args.tsv:
        with open(args.tsv, "w") as out:
            out.write("method\tinclusive_ms\tinnermost_ms\n")
            for fr, v in inclusive.most_common():
                out.write(f"{short(frames[fr])}\t{ms(v):.1f}\t{ms(self_time[fr]):.1f}\n")


if __name__ == "__main__":
    sys.exit(main())
