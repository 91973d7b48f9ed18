using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Steadfast.Analyzers.Internal
{
    internal static class SyntaxText
    {
        /// <summary>The text without any white space: two expressions written alike compare equal however they are laid out.</summary>
        public static string WithoutWhiteSpace(string text)
        {
            var chars = new char[text.Length];
            var length = 0;
            foreach (var c in text)
            {
                if (!char.IsWhiteSpace(c))
                {
                    chars[length++] = c;
                }
            }

            return new string(chars, 0, length);
        }

        /// <summary>The rightmost name of a (possibly qualified or alias-qualified) name: <c>Steadfast.ResilientHttpHandler</c> to <c>ResilientHttpHandler</c>.</summary>
        public static string LastIdentifier(SyntaxNode node) => node switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => node.ToString(),
        };
    }
}
