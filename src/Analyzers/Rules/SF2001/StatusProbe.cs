using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// A status probe: an <c>HttpClient.GetAsync</c> whose response is read for its status and for nothing else
    /// (<c>IsSuccessStatusCode</c>, <c>StatusCode</c>, at least once), and whose status is reported, not acted on: each
    /// read is a value handed on (logged, returned, shown), never the condition of an <c>if</c> or a loop. A keep-alive
    /// ping that logs the status it got, a health check that returns it. The request's failure is the answer it looks
    /// for: a retry would hide the outage it is there to see. A GET whose body is read, a response passed on, one that is
    /// only disposed or dropped (a GET used as a command), one checked with <c>EnsureSuccessStatusCode()</c> (its failure
    /// is an exception, not a status), one whose status decides what the code does next (a crawler going on to the next
    /// URL, a loop), and any other method (a POST that only checks its status still sends something that may be lost)
    /// are not probes.
    /// </summary>
    /// <remarks>
    /// A GET used as a command whose status alone is logged (<c>GetAsync(".../sendMessage?text=…")</c> then
    /// <c>response.StatusCode</c>) reads the same: its failure is silenced too. On real code (round 6) that shape was
    /// not met; the keep-alive ping was.
    /// </remarks>
    internal static class StatusProbe
    {
        public static bool Is(IInvocationOperation call, SF2001Symbols types)
        {
            if (call.TargetMethod.Name != "GetAsync" || !KnownTypes.Is(call.TargetMethod.ContainingType, types.HttpClient) || types.HttpResponseMessage is null)
            {
                return false;
            }

            IOperation task = OperationHelpers.OutermostConversion(call);
            if (task.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == task)
            {
                task = OperationHelpers.OutermostConversion(configured);
            }

            if (task.Parent is not IAwaitOperation awaited)
            {
                return false;
            }

            var response = OperationHelpers.OutermostConversion(awaited);
            switch (response.Parent)
            {
                case IPropertyReferenceOperation property:
                    return IsStatus(property, types) && IsReported(property); // (await http.GetAsync(url)).IsSuccessStatusCode
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } }:
                    return OnlyStatusRead(local, awaited, types);
                default:
                    return false;
            }
        }

        /// <summary>Every use of the local reads its status, and there is at least one; it is never assigned again.</summary>
        private static bool OnlyStatusRead(ILocalSymbol local, IOperation value, SF2001Symbols types)
        {
            var reads = 0;
            foreach (var op in OperationHelpers.Root(value).Descendants())
            {
                if (op is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                if (OperationHelpers.OutermostConversion(reference).Parent is IPropertyReferenceOperation property && property.Instance == OperationHelpers.OutermostConversion(reference) &&
                    IsStatus(property, types) && !(property.Parent is IAssignmentOperation assignment && assignment.Target == property) && IsReported(property))
                {
                    reads++;
                    continue;
                }

                return false; // the content read, the response passed on, disposed by hand, assigned again
            }

            return reads > 0;
        }

        /// <summary>The status read is a value handed on, not the condition of a statement (<c>if</c>, a loop) that decides what runs next.</summary>
        private static bool IsReported(IOperation read)
        {
            IOperation child = read;
            for (var op = read.Parent; op is not null; child = op, op = op.Parent)
            {
                switch (op)
                {
                    case IConditionalOperation { Type: null } statement when child == statement.Condition:
                    case IWhileLoopOperation loop when child == loop.Condition:
                    case IForLoopOperation loop2 when child == loop2.Condition:
                        return false;
                    case IExpressionStatementOperation or IReturnOperation or IBlockOperation or IVariableDeclarationGroupOperation:
                        return true;
                }
            }

            return true;
        }

        private static bool IsStatus(IPropertyReferenceOperation property, SF2001Symbols types) =>
            property.Property.Name is "IsSuccessStatusCode" or "StatusCode" && KnownTypes.DerivesFrom(property.Property.ContainingType, types.HttpResponseMessage);
    }
}
