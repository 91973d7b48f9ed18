using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// A command-line tool: a console program (<c>OutputType Exe</c>) whose entry point reads its command-line arguments
    /// and, in its own body and the program's methods it calls (three levels deep), neither builds or runs a host
    /// (<c>IHost</c>, <c>IHostBuilder</c>, <c>IWebHostBuilder</c>, <c>IHostApplicationBuilder</c>,
    /// <c>WebApplicationBuilder</c>), nor waits forever (<c>Task.Delay(-1)</c>, <c>Timeout.Infinite</c>), nor loops until
    /// it is stopped (SF1002's forever loops). It runs one command and exits, and the person who ran it sees the failure
    /// and runs it again: SF2001 is silent in it. A console program that takes no arguments (a demo, a bot started
    /// as is) is not taken for a tool.
    /// </summary>
    internal static class OneShotTool
    {
        private const int MaxDepth = 3;

        private static readonly ConditionalWeakTable<Compilation, RetryableLazy<object>> Cache = new ConditionalWeakTable<Compilation, RetryableLazy<object>>();

        private static readonly object Yes = new object();

        private static readonly object No = new object();

        /// <summary>
        /// Whether the compilation is a command-line tool, decided once per compilation and shared by the rules that ask
        /// (SF2001, SF5001): the answer binds the entry point's calls, so each rule asks only for what it would report.
        /// </summary>
        public static bool IsCommandLineTool(Compilation compilation, CancellationToken cancellationToken) =>
            ReferenceEquals(Cache.GetValue(compilation, static c => new RetryableLazy<object>(token => Is(c, token) ? Yes : No)).GetValue(cancellationToken), Yes);

        public static bool Is(Compilation compilation, CancellationToken cancellationToken)
        {
            if (compilation.Options.OutputKind != OutputKind.ConsoleApplication)
            {
                return false;
            }

            var entry = compilation.GetEntryPoint(cancellationToken);
            if (entry is null)
            {
                return false;
            }

            var known = KnownTypes.GetOrCreate(compilation);
            var loops = SF1002Symbols.GetOrCreate(compilation);
            var timeout = known.Timeout;
            var readsArguments = false;
            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var pending = new Queue<(IMethodSymbol Method, int Depth)>();
            pending.Enqueue((entry, 0));
            visited.Add(entry);
            while (pending.Count > 0)
            {
                var (method, depth) = pending.Dequeue();
                foreach (var body in Bodies(compilation, method, cancellationToken))
                {
                    foreach (var op in body.DescendantsAndSelf())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (op is IInvalidOperation && depth == 0)
                        {
                            return false; // the entry point itself broken or unresolved: not judged, so not silenced
                        }

                        if (IsHostType(op.Type, known) || (op is ILoopOperation loop && SF1002BackgroundLoopAnalyzer.IsForeverLoop(loop, loops)))
                        {
                            return false; // a host, or a loop until stopped: a long-running program
                        }

                        switch (op)
                        {
                            case IParameterReferenceOperation parameter when depth == 0 && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, entry):
                                readsArguments = true; // Main(string[] args), or top-level statements' args
                                break;
                            case IInvocationOperation call when WaitsForever(call, known, timeout):
                                return false;
                            case IInvocationOperation call when depth < MaxDepth && IsOwn(compilation, call.TargetMethod) && visited.Add(call.TargetMethod.OriginalDefinition):
                                pending.Enqueue((call.TargetMethod.OriginalDefinition, depth + 1));
                                break;
                        }
                    }
                }
            }

            return readsArguments;
        }

        private static bool IsHostType(ITypeSymbol? type, KnownTypes known) =>
            type is not null &&
            (KnownTypes.IsOrImplements(type, known.Host) || KnownTypes.IsOrImplements(type, known.HostBuilder) || KnownTypes.IsOrImplements(type, known.WebHostBuilder) ||
             KnownTypes.IsOrImplements(type, known.HostApplicationBuilder) || KnownTypes.Is(type, known.WebApplicationBuilder));

        /// <summary><c>Task.Delay(-1)</c>, <c>Task.Delay(Timeout.Infinite)</c>, <c>Task.Delay(Timeout.InfiniteTimeSpan)</c>.</summary>
        private static bool WaitsForever(IInvocationOperation call, KnownTypes known, INamedTypeSymbol? timeout)
        {
            if (call.TargetMethod.Name != "Delay" || !call.TargetMethod.IsStatic || !KnownTypes.Is(call.TargetMethod.ContainingType, known.Task))
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                var value = OperationHelpers.SkipConversions(argument.Value);
                if ((value.ConstantValue is { HasValue: true, Value: int milliseconds } && milliseconds == -1) ||
                    (value is IFieldReferenceOperation field && field.Field.Name == "InfiniteTimeSpan" && KnownTypes.Is(field.Field.ContainingType, timeout)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsOwn(Compilation compilation, IMethodSymbol method)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    return true;
                }
            }

            return false;
        }

        private static IEnumerable<IOperation> Bodies(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (!compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

#pragma warning disable RS1030 // The entry point and the methods it calls are in other trees than the one analyzed; read once per compilation.
                var model = compilation.GetSemanticModel(reference.SyntaxTree);
#pragma warning restore RS1030
                var operation = model.GetOperation(reference.GetSyntax(cancellationToken), cancellationToken);
                if (operation is not null)
                {
                    yield return operation;
                }
            }
        }
    }
}
