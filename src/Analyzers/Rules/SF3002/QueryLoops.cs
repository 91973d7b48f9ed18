using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;

namespace Steadfast.Analyzers.Rules.SF3002
{
    /// <summary>One finding: the loop the query runs once per item of, its display text, and the shape.</summary>
    internal sealed class QueryInLoop
    {
        public QueryInLoop(SyntaxNode loop, string loopText, string shape)
        {
            Loop = loop;
            LoopText = loopText;
            Shape = shape;
        }

        public SyntaxNode Loop { get; }

        public string LoopText { get; }

        public string Shape { get; }
    }

    /// <summary>Finds database calls that run once per item of a loop. Skeleton: Dapper in a foreach.</summary>
    internal static class QueryLoops
    {
        private static readonly ImmutableHashSet<string> DapperMethods = ImmutableHashSet.Create(
            "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault", "Execute", "ExecuteScalar",
            "QueryAsync", "QueryFirstAsync", "QueryFirstOrDefaultAsync", "QuerySingleAsync", "QuerySingleOrDefaultAsync", "ExecuteAsync", "ExecuteScalarAsync");

        public static QueryInLoop? Find(IInvocationOperation call, SF3002Symbols symbols, CancellationToken cancellationToken)
        {
            var method = call.TargetMethod;
            if (!method.IsStatic || !DapperMethods.Contains(method.Name) || !KnownTypes.Is(method.ContainingType, symbols.DapperSqlMapper))
            {
                return null;
            }

            for (var parent = call.Parent; parent is not null; parent = parent.Parent)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return null;
                }

                if (parent is IForEachLoopOperation loop && loop.Syntax is ForEachStatementSyntax syntax)
                {
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter?.Name == "param" && References(argument.Value, loop.Locals))
                        {
                            return new QueryInLoop(syntax, "foreach (" + syntax.Type + " " + syntax.Identifier.ValueText + " in " + syntax.Expression + ")", SF3002QueryInLoopAnalyzerShapes.Other);
                        }
                    }
                }
            }

            return null;
        }

        private static bool References(IOperation operation, ImmutableArray<ILocalSymbol> locals)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is ILocalReferenceOperation reference && locals.IndexOf(reference.Local, 0, SymbolEqualityComparer.Default) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal static class SF3002QueryInLoopAnalyzerShapes
    {
        public const string Other = SF3002QueryInLoopAnalyzer.ShapeOther;
    }
}
