using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// Test code, where SF2001, SF2002, SF3001, SF4001 and SF5001 are silent unless their <c>SFxxxx.include_test_code</c>
    /// option says otherwise (SF1001 is not: a dropped task makes a test pass while its work fails). Two levels, both by
    /// symbol and never by a file, project, class or method name:
    /// <list type="bullet">
    /// <item>the project: it references a test framework (an assembly of xunit v2 or v3, NUnit, MSTest, TUnit or the test
    /// host of Microsoft.NET.Test.Sdk, or a framework's test attribute from a referenced assembly), or MSBuild marks it
    /// <c>IsTestProject</c> (Microsoft.NET.Test.Sdk sets it; the package's build targets make it compiler-visible). Known
    /// once per compilation, so a rule can register nothing at all there (<see cref="Gate"/>).</item>
    /// <item>a member anywhere: a method with a test, set-up or fixture attribute (or one derived from it), and every member of a
    /// test class: a class with a fixture attribute, with such a method, implementing xunit's fixture interfaces, or
    /// deriving from or nested in a test class. Judged per type once and cached.</item>
    /// </list>
    /// </summary>
    internal sealed class TestCode
    {
        private static readonly ConditionalWeakTable<Compilation, TestCode> Cache = new ConditionalWeakTable<Compilation, TestCode>();

        /// <summary>The assemblies a test project references to write tests (not runners or adapters): xunit v2 and v3, NUnit, MSTest, TUnit, Microsoft.NET.Test.Sdk's test host.</summary>
        private static readonly ImmutableHashSet<string> FrameworkAssemblies = ImmutableHashSet.Create(
            StringComparer.OrdinalIgnoreCase,
            "xunit.core",
            "xunit.assert",
            "xunit.v3.core",
            "xunit.v3.assert",
            "nunit.framework",
            "Microsoft.VisualStudio.TestPlatform.TestFramework",
            "MSTest.TestFramework",
            "TUnit.Core",
            "testhost");

        /// <summary>The MSBuild property Microsoft.NET.Test.Sdk sets, as the compiler sees it (CompilerVisibleProperty in build/Steadfast.targets).</summary>
        internal const string IsTestProjectProperty = "build_property.IsTestProject";

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _testTypes = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly bool _referencesFramework;
        private FrameworkSymbols? _symbols;

        private TestCode(Compilation compilation)
        {
            _compilation = compilation;
            _referencesFramework = ReferencesFramework(compilation);
        }

        public static TestCode GetOrCreate(Compilation compilation) => Cache.GetValue(compilation, static c => new TestCode(c));

        /// <summary>
        /// The first lines of the compilation start of a rule that is silent in test code. False when the rule should
        /// register nothing: a test project where <paramref name="includeTestCode"/> is off in every file. Otherwise
        /// <paramref name="start"/> may be replaced by a context that filters what the rule registers: in a test project,
        /// the files where the option is off; elsewhere, test classes (skipped at their symbol start, so none of their
        /// members is analysed) and test members (per operation, syntax node or code block). A production project that
        /// has no test framework type at all keeps its context as it is, at no cost.
        /// </summary>
        public static bool Gate(ref CompilationStartAnalysisContext start, OptionDefinition<bool> includeTestCode)
        {
            var code = GetOrCreate(start.Compilation);
            var testProject = code.IsTestProject(start.Options);
            if (testProject)
            {
                var anywhere = false;
                foreach (var tree in start.Compilation.SyntaxTrees)
                {
                    if (includeTestCode.Get(start.Options, tree))
                    {
                        anywhere = true; // turned back on somewhere: judged per file
                        break;
                    }
                }

                if (!anywhere)
                {
                    return false;
                }
            }
            else if (code.Symbols.IsEmpty)
            {
                return true;
            }

            start = new TestCodeFilter(start, new TestCodeGate(code, testProject, start.Options, includeTestCode));
            return true;
        }

        /// <summary>The whole project is test code: it references a test framework, or MSBuild marks it <c>IsTestProject</c>.</summary>
        public bool IsTestProject(AnalyzerOptions options) =>
            _referencesFramework ||
            (options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(IsTestProjectProperty, out var value) &&
             string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// True for a test, set-up or fixture method, and for anything inside a test class (<paramref name="symbol"/> is
        /// the member an operation is in, a lambda's or local function's method, or a type).
        /// </summary>
        public bool IsTestSymbol(ISymbol? symbol)
        {
            var symbols = Symbols;
            if (symbols.IsEmpty)
            {
                return false; // the usual production compilation: no framework, nothing to look for
            }

            for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
            {
                switch (s)
                {
                    case IMethodSymbol method when symbols.HasMemberAttribute(method):
                        return true;
                    case INamedTypeSymbol type:
                        return IsTestType(type, symbols, 0);
                }
            }

            return false;
        }

        internal FrameworkSymbols Symbols
        {
            get
            {
                var symbols = Volatile.Read(ref _symbols);
                if (symbols is null)
                {
                    // Two threads may both build it: the result is the same.
                    symbols = new FrameworkSymbols(KnownTypes.GetOrCreate(_compilation));
                    Volatile.Write(ref _symbols, symbols);
                }

                return symbols;
            }
        }

        private bool IsTestType(INamedTypeSymbol type, FrameworkSymbols symbols, int depth)
        {
            type = type.OriginalDefinition;
            if (_testTypes.TryGetValue(type, out var known))
            {
                return known;
            }

            var result = symbols.HasTypeAttribute(type) || symbols.ImplementsFixtureInterface(type) || (type.DeclaringSyntaxReferences.Length > 0 && HasTestMember(type, symbols));
            if (!result && depth < 8)
            {
                result = (type.BaseType is { SpecialType: SpecialType.None } baseType && IsTestType(baseType, symbols, depth + 1)) ||
                         (type.ContainingType is { } containing && IsTestType(containing, symbols, depth + 1));
            }

            _testTypes.TryAdd(type, result);
            return result;
        }

        /// <summary>A method of the type (declared in source) with a test, set-up or fixture attribute: an xunit class has no class attribute.</summary>
        private static bool HasTestMember(INamedTypeSymbol type, FrameworkSymbols symbols)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && symbols.HasMemberAttribute(method))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ReferencesFramework(Compilation compilation)
        {
            foreach (var identity in compilation.ReferencedAssemblyNames)
            {
                if (FrameworkAssemblies.Contains(identity.Name))
                {
                    return true;
                }
            }

            // A framework under another assembly name: its test attribute, from a referenced assembly (one declared in
            // this project's own source is not a framework; its methods are judged one by one).
            var types = KnownTypes.GetOrCreate(compilation);
            foreach (var attribute in new[] { types.XunitFactAttribute, types.NUnitTestAttribute, types.MSTestTestMethodAttribute, types.TUnitTestAttribute })
            {
                if (attribute is not null && !SymbolEqualityComparer.Default.Equals(attribute.ContainingAssembly, compilation.Assembly))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The test frameworks' attribute and interface types this compilation has.</summary>
        internal sealed class FrameworkSymbols
        {
            private readonly HashSet<INamedTypeSymbol> _memberAttributes;
            private readonly HashSet<INamedTypeSymbol> _typeAttributes;
            private readonly List<INamedTypeSymbol> _fixtureInterfaces;

            public FrameworkSymbols(KnownTypes types)
            {
                _memberAttributes = Set(
                    types.XunitFactAttribute,
                    types.NUnitTestAttribute,
                    types.NUnitTestCaseAttribute,
                    types.NUnitTestCaseSourceAttribute,
                    types.NUnitTheoryAttribute,
                    types.NUnitSetUpAttribute,
                    types.NUnitTearDownAttribute,
                    types.NUnitOneTimeSetUpAttribute,
                    types.NUnitOneTimeTearDownAttribute,
                    types.MSTestTestMethodAttribute,
                    types.MSTestTestInitializeAttribute,
                    types.MSTestTestCleanupAttribute,
                    types.MSTestClassInitializeAttribute,
                    types.MSTestClassCleanupAttribute,
                    types.MSTestAssemblyInitializeAttribute,
                    types.MSTestAssemblyCleanupAttribute,
                    types.TUnitTestAttribute,
                    types.TUnitBeforeAttribute,
                    types.TUnitAfterAttribute,
                    types.TUnitBeforeEveryAttribute,
                    types.TUnitAfterEveryAttribute);
                _typeAttributes = Set(
                    types.NUnitTestFixtureAttribute,
                    types.NUnitTestFixtureSourceAttribute,
                    types.NUnitSetUpFixtureAttribute,
                    types.MSTestTestClassAttribute);
                _fixtureInterfaces = new List<INamedTypeSymbol>(Set(types.XunitClassFixture, types.XunitCollectionFixture, types.XunitAsyncLifetime));
            }

            public bool IsEmpty => _memberAttributes.Count == 0 && _typeAttributes.Count == 0 && _fixtureInterfaces.Count == 0;

            public bool HasMemberAttribute(IMethodSymbol method) => _memberAttributes.Count > 0 && HasAttribute(method.GetAttributes(), _memberAttributes);

            public bool HasTypeAttribute(INamedTypeSymbol type) => _typeAttributes.Count > 0 && HasAttribute(type.GetAttributes(), _typeAttributes);

            public bool ImplementsFixtureInterface(INamedTypeSymbol type)
            {
                if (_fixtureInterfaces.Count == 0)
                {
                    return false;
                }

                foreach (var implemented in type.AllInterfaces)
                {
                    foreach (var fixture in _fixtureInterfaces)
                    {
                        if (KnownTypes.Is(implemented, fixture))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            /// <summary>An attribute that is, or derives from, one of <paramref name="known"/> (xunit's <c>Theory</c> derives from <c>Fact</c>).</summary>
            private static bool HasAttribute(ImmutableArray<AttributeData> attributes, HashSet<INamedTypeSymbol> known)
            {
                foreach (var attribute in attributes)
                {
                    for (var t = attribute.AttributeClass; t is not null; t = t.BaseType)
                    {
                        if (known.Contains(t.OriginalDefinition))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static HashSet<INamedTypeSymbol> Set(params INamedTypeSymbol?[] types)
            {
                var set = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
                foreach (var type in types)
                {
                    if (type is not null)
                    {
                        set.Add(type);
                    }
                }

                return set;
            }
        }
    }

    /// <summary>What one rule skips in one compilation: test code, unless its <c>include_test_code</c> option is on for that file.</summary>
    internal sealed class TestCodeGate
    {
        private readonly TestCode _code;
        private readonly bool _testProject;
        private readonly AnalyzerOptions _options;
        private readonly OptionDefinition<bool> _includeTestCode;

        public TestCodeGate(TestCode code, bool testProject, AnalyzerOptions options, OptionDefinition<bool> includeTestCode)
        {
            _code = code;
            _testProject = testProject;
            _options = options;
            _includeTestCode = includeTestCode;
        }

        /// <summary>True when <paramref name="member"/> (in <paramref name="tree"/>) is test code and the rule is not turned back on there.</summary>
        public bool Skips(ISymbol? member, SyntaxTree? tree)
        {
            if (!_testProject && !_code.IsTestSymbol(member))
            {
                return false;
            }

            return tree is null || !_includeTestCode.Get(_options, tree);
        }

        /// <summary>A whole file (for actions that see no member): only in a test project, where the option is off for it.</summary>
        public bool SkipsTree(SyntaxTree tree) => _testProject && !_includeTestCode.Get(_options, tree);

        /// <summary>A symbol, in the file of its first declaration.</summary>
        public bool Skips(ISymbol symbol)
        {
            var references = symbol.DeclaringSyntaxReferences;
            return Skips(symbol, references.Length > 0 ? references[0].SyntaxTree : null);
        }

        /// <summary>The operation's member, in the operation's file.</summary>
        public bool Skips(OperationAnalysisContext context) => Skips(context.ContainingSymbol, context.Operation.Syntax.SyntaxTree);
    }

    /// <summary>
    /// A rule's compilation start context that leaves out test code (see <see cref="TestCode.Gate"/>): each action the
    /// rule registers runs only where <see cref="TestCodeGate"/> does not skip. A type skipped at its symbol start is not
    /// analysed at all, and a type with any test member is a test class, so rules that judge types see no test member.
    /// </summary>
    internal sealed class TestCodeFilter : CompilationStartAnalysisContext
    {
        private readonly CompilationStartAnalysisContext _inner;
        private readonly TestCodeGate _gate;

#pragma warning disable RS1012 // The real context: every registration made through this one is forwarded to it.
        public TestCodeFilter(CompilationStartAnalysisContext inner, TestCodeGate gate)
#pragma warning restore RS1012
            : base(inner.Compilation, inner.Options, inner.CancellationToken)
        {
            _inner = inner;
            _gate = gate;
        }

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) =>
            _inner.RegisterOperationAction(
                context =>
                {
                    if (!_gate.Skips(context))
                    {
                        action(context);
                    }
                },
                operationKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
            _inner.RegisterSymbolStartAction(
                context =>
                {
                    if (!_gate.Skips(context.Symbol))
                    {
                        action(context);
                    }
                },
                symbolKind);

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) =>
            _inner.RegisterSymbolAction(
                context =>
                {
                    if (!_gate.Skips(context.Symbol))
                    {
                        action(context);
                    }
                },
                symbolKinds);

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) =>
            _inner.RegisterSyntaxNodeAction(
                context =>
                {
                    if (!_gate.Skips(context.ContainingSymbol, context.Node.SyntaxTree))
                    {
                        action(context);
                    }
                },
                syntaxKinds);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) =>
            _inner.RegisterCodeBlockStartAction<TLanguageKindEnum>(
                context =>
                {
                    if (!_gate.Skips(context.OwningSymbol, context.CodeBlock.SyntaxTree))
                    {
                        action(context);
                    }
                });

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) =>
            _inner.RegisterCodeBlockAction(
                context =>
                {
                    if (!_gate.Skips(context.OwningSymbol, context.CodeBlock.SyntaxTree))
                    {
                        action(context);
                    }
                });

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) =>
            _inner.RegisterOperationBlockStartAction(
                context =>
                {
                    if (!_gate.Skips(context.OwningSymbol))
                    {
                        action(context);
                    }
                });

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) =>
            _inner.RegisterOperationBlockAction(
                context =>
                {
                    if (!_gate.Skips(context.OwningSymbol))
                    {
                        action(context);
                    }
                });

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) =>
            _inner.RegisterSyntaxTreeAction(
                context =>
                {
                    if (!_gate.SkipsTree(context.Tree))
                    {
                        action(context);
                    }
                });

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) =>
            _inner.RegisterSemanticModelAction(
                context =>
                {
                    if (!_gate.SkipsTree(context.SemanticModel.SyntaxTree))
                    {
                        action(context);
                    }
                });

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => _inner.RegisterAdditionalFileAction(action);

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => _inner.RegisterCompilationEndAction(action);
    }
}
