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
    }
}
