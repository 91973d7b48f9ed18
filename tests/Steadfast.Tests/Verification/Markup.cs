using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Steadfast.Tests.Verification
{
    /// <summary>A span marked in test source: <c>[|…|]</c> (Id and Key null), <c>{|SF1001:…|}</c> (Id) or <c>{|#0:…|}</c> (Key).</summary>
    public sealed class MarkedSpan
    {
        public MarkedSpan(TextSpan span, string? id, int? key)
        {
            Span = span;
            Id = id;
            Key = key;
        }

        public TextSpan Span { get; }

        public string? Id { get; }

        public int? Key { get; }
    }

    /// <summary>Parses roslyn-sdk style markup out of test source; the returned text is what gets compiled.</summary>
    public static class Markup
    {
        public static (string Text, List<MarkedSpan> Spans) Parse(string markup)
        {
            var text = new StringBuilder(markup.Length);
            var spans = new List<MarkedSpan>();
            var open = new Stack<(char Kind, int Start, string? Id, int? Key)>();
            var i = 0;
            while (i < markup.Length)
            {
                if (At(markup, i, "[|"))
                {
                    open.Push(('[', text.Length, null, null));
                    i += 2;
                }
                else if (At(markup, i, "{|"))
                {
                    var colon = markup.IndexOf(':', i + 2);
                    if (colon < 0)
                    {
                        throw new FormatException($"Markup '{{|' at offset {i} has no ':'.");
                    }

                    var label = markup.Substring(i + 2, colon - i - 2);
                    if (label.StartsWith("#", StringComparison.Ordinal))
                    {
                        open.Push(('{', text.Length, null, int.Parse(label.Substring(1), System.Globalization.CultureInfo.InvariantCulture)));
                    }
                    else
                    {
                        open.Push(('{', text.Length, label, null));
                    }

                    i = colon + 1;
                }
                else if (At(markup, i, "|]") || At(markup, i, "|}"))
                {
                    var kind = markup[i + 1] == ']' ? '[' : '{';
                    if (open.Count == 0 || open.Peek().Kind != kind)
                    {
                        throw new FormatException($"Unbalanced markup '{markup.Substring(i, 2)}' at offset {i}.");
                    }

                    var (_, start, id, key) = open.Pop();
                    spans.Add(new MarkedSpan(TextSpan.FromBounds(start, text.Length), id, key));
                    i += 2;
                }
                else
                {
                    text.Append(markup[i]);
                    i++;
                }
            }

            if (open.Count > 0)
            {
                throw new FormatException("Markup opened but never closed.");
            }

            spans.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
            return (text.ToString(), spans);
        }

        private static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;
    }
}
