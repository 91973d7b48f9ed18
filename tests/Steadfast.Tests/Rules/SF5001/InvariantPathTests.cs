using System.Linq;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF5001;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Rules.SF5001
{
    /// <summary>
    /// C# path expressions in, "is it the same path every time" out: <see cref="InvariantPath"/> row by row. Each row's
    /// expression is compiled as the argument of <c>Use(string path)</c> in the method below, after the row's statements.
    /// </summary>
    public sealed class InvariantPathTests
    {
        private static (bool Invariant, PathInfo Info) TryGet(string expression, string statements = "")
        {
            var (value, compilation) = OperationProbe.ArgumentOfUse($$"""
                using System;
                using System.IO;

                namespace Other
                {
                    public static class Path
                    {
                        public static string Combine(string a, string b) => a + b;
                    }
                }

                public class C
                {
                    private const string Dir = "data";
                    private const string Name = "a.txt";
                    private static readonly string StaticRoot = "/srv";
                    private readonly string _root = "/srv";
                    private readonly int _number = 1;
                    private static string s_mutable = "/tmp";

                    private string Property => "p";

                    public void M(string parameter)
                    {
                        {{statements}}
                        Use({{expression}});
                    }

                    private static void Use(string path)
                    {
                    }

                    private static void Out(out string s) => s = "x";

                    private static void Ref(ref string s)
                    {
                    }
                }
                """);
            var invariant = InvariantPath.TryGet(value, SF5001Symbols.GetOrCreate(compilation), out var info);
            return (invariant, info);
        }

        /// <summary><c>key | constant | static or instance | name hint</c>, <c>-</c> for null, double quotes written as single ones, separators as '/'.</summary>
        private static string Describe(PathInfo info) =>
            string.Join(" | ", info.Key, info.Constant?.Replace(System.IO.Path.DirectorySeparatorChar, '/') ?? "-", info.IsStatic ? "static" : "instance", info.NameHint ?? "-").Replace('"', '\'');

        [Theory]
        // constants
        [InlineData("\"data/a.txt\"", true)]
        [InlineData("Dir", true)]
        [InlineData("Dir + \"/\" + Name", true)]
        [InlineData("nameof(Dir)", true)]
        [InlineData("$\"{Dir}/{Name}\"", true)]
        [InlineData("true ? Dir : Name", true)]
        // fields: readonly string ones, static or not
        [InlineData("StaticRoot", true)]
        [InlineData("_root", true)]
        [InlineData("s_mutable", false)]
        [InlineData("Property", false)]
        [InlineData("parameter", false)]
        // the application's base directory
        [InlineData("AppContext.BaseDirectory", true)]
        [InlineData("System.AppContext.BaseDirectory", true)]
        [InlineData("AppDomain.CurrentDomain.BaseDirectory", true)]
        [InlineData("Environment.CurrentDirectory", false)]
        [InlineData("Directory.GetCurrentDirectory()", false)]
        [InlineData("Path.GetTempPath()", false)]
        [InlineData("Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)", false)]
        // Path.Combine / Path.Join of invariant parts, however many
        [InlineData("Path.Combine(AppContext.BaseDirectory, \"data\", \"a.txt\")", true)]
        [InlineData("Path.Combine(Dir, Name)", true)]
        [InlineData("Path.Combine(StaticRoot, Dir, Name)", true)]
        [InlineData("Path.Combine(_root, Name)", true)]
        [InlineData("Path.Join(AppContext.BaseDirectory, Name)", true)]
        [InlineData("System.IO.Path.Combine(\"a\", \"b\", \"c\", \"d\", \"e\")", true)]
        [InlineData("Path.Combine(new[] { Dir, Name })", true)]
        [InlineData("Path.Combine(Path.Combine(AppContext.BaseDirectory, Dir), Name)", true)]
        [InlineData("Path.Combine(parameter, Name)", false)]
        [InlineData("Path.Combine(AppContext.BaseDirectory, s_mutable)", false)]
        [InlineData("Path.Combine(new string[] { Dir, parameter })", false)]
        [InlineData("Path.GetFullPath(Name)", false)]
        [InlineData("Other.Path.Combine(Dir, Name)", false)]
        // concatenation
        [InlineData("AppContext.BaseDirectory + Name", true)]
        [InlineData("StaticRoot + \"/\" + Name", true)]
        [InlineData("AppContext.BaseDirectory + parameter", false)]
        [InlineData("parameter + Name", false)]
        [InlineData("\"file\" + _number", false)]
        // interpolation: holes without alignment or format
        [InlineData("$\"{AppContext.BaseDirectory}/data/{Name}\"", true)]
        [InlineData("$\"{StaticRoot}/{Dir}\"", true)]
        [InlineData("$\"{parameter}/a.txt\"", false)]
        [InlineData("$\"{_number}/a.txt\"", false)]
        [InlineData("$\"{AppContext.BaseDirectory,10}/a.txt\"", false)]
        [InlineData("$\"{AppContext.BaseDirectory:x}/a.txt\"", false)]
        // anything else, however fixed it looks
        [InlineData("parameter ?? Name", false)]
        // ...but a choice between constants, or a constant's case changed, is one of a closed set of paths (it was "no")
        [InlineData("parameter.Length > 1 ? Dir : Name", true)]
        [InlineData("parameter.Length > 1 ? Dir : parameter", false)]
        [InlineData("Name.ToUpperInvariant()", true)]
        [InlineData("parameter.ToUpperInvariant()", false)]
        [InlineData("parameter.Length switch { 0 => Dir, 1 => \"b.txt\", _ => Name }", true)]
        [InlineData("parameter.Length switch { 0 => Dir, _ => parameter }", false)]
        [InlineData("Path.Combine(Dir, System.DayOfWeek.Monday + \".txt\")", true)]
        [InlineData("$\"{Dir}/{(System.DayOfWeek)parameter.Length}.txt\"", true)]
        [InlineData("Path.Combine(Dir, ((System.DayOfWeek)parameter.Length).ToString())", true)]
        [InlineData("Path.Combine(Dir, parameter.Length.ToString())", false)]
        [InlineData("(string)(object)Dir", false)]
        public void Expression(string expression, bool expected) => Assert.Equal(expected, TryGet(expression).Invariant);

        /// <summary>One path, or one of a closed set: only the second is "bounded" (a load-once field cannot hold it).</summary>
        [Theory]
        [InlineData("Dir", false)]
        [InlineData("Path.Combine(AppContext.BaseDirectory, Name)", false)]
        [InlineData("parameter.Length > 1 ? Dir : Name", true)]
        [InlineData("Path.Combine(Dir, (System.DayOfWeek)parameter.Length + \".md\")", true)]
        [InlineData("$\"{Dir}/{parameter.Length switch { 0 => \"a\", _ => \"b\" }}.md\"", true)]
        public void Bounded(string expression, bool expected)
        {
            var (invariant, info) = TryGet(expression);
            Assert.True(invariant);
            Assert.Equal(expected, info.Bounded);
            Assert.False(expected && info.IsStatic);
        }

        [Theory]
        [InlineData("var p = Path.Combine(AppContext.BaseDirectory, Name);", "p", true)]
        [InlineData("string p = Dir;", "p", true)]
        [InlineData("var p = Name; var q = p;", "q", true)]
        [InlineData("var p = Name; var (a, b) = (1, 2);", "p", true)]
        [InlineData("var p = Name; Use2(p); static void Use2(string s) { }", "p", true)]
        [InlineData("var p = parameter;", "p", false)]
        [InlineData("string? p = null;", "p!", false)]
        [InlineData("object o = Name;", "(string)o", false)]
        // written again anywhere in the method, lambdas and local functions included: not invariant
        [InlineData("var p = Name; p = parameter;", "p", false)]
        [InlineData("var p = Name; p = Name;", "p", false)]
        [InlineData("var p = Name; p += \"x\";", "p", false)]
        [InlineData("string p; p = Name;", "p", false)]
        [InlineData("var p = Name; Ref(ref p);", "p", false)]
        [InlineData("var p = Name; Out(out p);", "p", false)]
        [InlineData("var p = Name; int n; (p, n) = (parameter, 1);", "p", false)]
        [InlineData("var p = Name; Action a = () => p = parameter;", "p", false)]
        [InlineData("var p = Name; void Local() { p = parameter; }", "p", false)]
        [InlineData("var p = Name; var q = p; p = parameter;", "q", false)]
        public void Local(string statements, string expression, bool expected) => Assert.Equal(expected, TryGet(expression, statements).Invariant);

        /// <summary>A chain of locals <c>p0 = AppContext.BaseDirectory; p1 = p0; ...</c>: each hop is a level, and past eight levels the answer is no.</summary>
        [Theory]
        [InlineData(0, true)]
        [InlineData(1, true)]
        [InlineData(7, true)]
        [InlineData(8, false)]
        [InlineData(12, false)]
        public void Local_ChainDepth(int links, bool expected)
        {
            var statements = "var p0 = AppContext.BaseDirectory;" + string.Concat(Enumerable.Range(1, links).Select(i => $" var p{i} = p{i - 1};"));
            Assert.Equal(expected, TryGet("p" + links, statements).Invariant);
        }

        [Theory]
        [InlineData("\"data/a.txt\"", "'data/a.txt' | data/a.txt | static | data/a.txt")]
        [InlineData("Dir", "'data' | data | static | data")]
        [InlineData("Dir + \"/\" + Name", "'data/a.txt' | data/a.txt | static | data/a.txt")]
        [InlineData("$\"{Dir}/{Name}\"", "'data/a.txt' | data/a.txt | static | data/a.txt")]
        [InlineData("nameof(Dir)", "'Dir' | Dir | static | Dir")]
        [InlineData("StaticRoot", "F:C.StaticRoot | - | static | StaticRoot")]
        [InlineData("_root", "F:C._root | - | instance | _root")]
        [InlineData("AppContext.BaseDirectory", "BASE | - | static | -")]
        [InlineData("AppDomain.CurrentDomain.BaseDirectory", "BASE | - | static | -")]
        // Combine: the constant path when every part is one
        [InlineData("Path.Combine(Dir, Name)", "C('data','a.txt',) | data/a.txt | static | a.txt")]
        // named arguments in another order: the parameters' order decides, so the same path gets the same key
        [InlineData("Path.Combine(path2: Name, path1: Dir)", "C('data','a.txt',) | data/a.txt | static | a.txt")]
        // Path.Join of constants has a constant too; no separator is doubled
        [InlineData("Path.Join(Dir, Name)", "C('data','a.txt',) | data/a.txt | static | a.txt")]
        [InlineData("Path.Join(\"data/\", Name)", "C('data/','a.txt',) | data/a.txt | static | a.txt")]
        [InlineData("Path.Combine(Dir, \"/etc/a.txt\")", "C('data','/etc/a.txt',) | /etc/a.txt | static | /etc/a.txt")]
        [InlineData("System.IO.Path.Combine(\"a\", \"b\", \"c\", \"d\", \"e\")", "C('a','b','c','d','e',) | a/b/c/d/e | static | e")]
        [InlineData("Path.Combine(AppContext.BaseDirectory, \"data\", \"a.txt\")", "C(BASE,'data','a.txt',) | - | static | a.txt")]
        [InlineData("Path.Combine(AppContext.BaseDirectory, StaticRoot)", "C(BASE,F:C.StaticRoot,) | - | static | StaticRoot")]
        [InlineData("Path.Combine(_root, Name)", "C(F:C._root,'a.txt',) | - | instance | a.txt")]
        [InlineData("Path.Combine(Path.Combine(AppContext.BaseDirectory, Dir), Name)", "C(C(BASE,'data',),'a.txt',) | - | static | a.txt")]
        // concatenation and interpolation: the hint is the last part's
        [InlineData("AppContext.BaseDirectory + Name", "+(BASE,'a.txt') | - | static | a.txt")]
        [InlineData("_root + \"/x.txt\"", "+(F:C._root,'/x.txt') | - | instance | /x.txt")]
        [InlineData("$\"{AppContext.BaseDirectory}/data/{Name}\"", "$(BASE'/data/''a.txt') | - | static | a.txt")]
        [InlineData("$\"{_root}/x.txt\"", "$(F:C._root'/x.txt') | - | instance | /x.txt")]
        [InlineData("$\"{AppContext.BaseDirectory}\"", "$(BASE) | - | static | -")]
        public void Info(string expression, string expected)
        {
            var (invariant, info) = TryGet(expression);
            Assert.True(invariant);
            Assert.Equal(expected, Describe(info));
        }

        /// <summary>A local's info is its initializer's.</summary>
        [Theory]
        [InlineData("var p = Path.Combine(Dir, Name);", "p", "C('data','a.txt',) | data/a.txt | static | a.txt")]
        [InlineData("var p = _root;", "p", "F:C._root | - | instance | _root")]
        [InlineData("var p = AppContext.BaseDirectory; var q = Path.Combine(p, Name);", "q", "C(BASE,'a.txt',) | - | static | a.txt")]
        public void Info_Local(string statements, string expression, string expected)
        {
            var (invariant, info) = TryGet(expression, statements);
            Assert.True(invariant);
            Assert.Equal(expected, Describe(info));
        }

        /// <summary>Two reads of the same path have the same key; the key follows how the path is written, not its value.</summary>
        [Theory]
        [InlineData("AppContext.BaseDirectory", "AppDomain.CurrentDomain.BaseDirectory", true)]
        [InlineData("Dir + \"/\" + Name", "\"data/a.txt\"", true)]
        [InlineData("$\"{Dir}/{Name}\"", "\"data/a.txt\"", true)]
        [InlineData("Path.Combine(AppContext.BaseDirectory, Name)", "System.IO.Path.Combine(System.AppContext.BaseDirectory, \"a.txt\")", true)]
        [InlineData("Path.Combine(Dir, Name)", "Path.Join(Dir, Name)", true)]
        [InlineData("Path.Combine(Dir, Name)", "\"data/a.txt\"", false)]
        [InlineData("Path.Combine(AppContext.BaseDirectory, Dir, Name)", "Path.Combine(Path.Combine(AppContext.BaseDirectory, Dir), Name)", false)]
        [InlineData("AppContext.BaseDirectory + Name", "$\"{AppContext.BaseDirectory}{Name}\"", false)]
        [InlineData("StaticRoot", "_root", false)]
        public void SameKey(string a, string b, bool expected)
        {
            var (invariantA, infoA) = TryGet(a);
            var (invariantB, infoB) = TryGet(b);
            Assert.True(invariantA && invariantB);
            Assert.Equal(expected, infoA.Key == infoB.Key);
        }
    }
}
