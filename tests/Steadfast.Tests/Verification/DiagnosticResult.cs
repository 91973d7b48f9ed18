using Microsoft.CodeAnalysis;

namespace Steadfast.Tests.Verification
{
    /// <summary>An expected diagnostic. Its location comes from markup (<c>{|#N:…|}</c>) or from <see cref="WithSpan"/>.</summary>
    public sealed class DiagnosticResult
    {
        private DiagnosticResult(string id) => Id = id;

        public string Id { get; }

        public string? Message { get; private set; }

        public int? MarkupKey { get; private set; }

        public FileLinePositionSpan? Span { get; private set; }

        public DiagnosticSeverity? Severity { get; private set; }

        public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id);

        public DiagnosticResult WithLocation(int markupKey) => Copy(r => r.MarkupKey = markupKey);

        /// <summary>A location in lines and columns, both 1-based, in <paramref name="path"/> (e.g. <c>/0/Test0.cs</c>).</summary>
        public DiagnosticResult WithSpan(string path, int startLine, int startColumn, int endLine, int endColumn) =>
            Copy(r => r.Span = new FileLinePositionSpan(path, new Microsoft.CodeAnalysis.Text.LinePosition(startLine - 1, startColumn - 1), new Microsoft.CodeAnalysis.Text.LinePosition(endLine - 1, endColumn - 1)));

        public DiagnosticResult WithMessage(string message) => Copy(r => r.Message = message);

        public DiagnosticResult WithSeverity(DiagnosticSeverity severity) => Copy(r => r.Severity = severity);

        internal DiagnosticResult WithResolvedSpan(FileLinePositionSpan span) => Copy(r => r.Span = span);

        private DiagnosticResult Copy(System.Action<DiagnosticResult> change)
        {
            var copy = new DiagnosticResult(Id) { Message = Message, MarkupKey = MarkupKey, Span = Span, Severity = Severity };
            change(copy);
            return copy;
        }
    }
}
