using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF5001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF5001: <c>File.ReadAll*</c>/<c>ReadLines</c> of a path that never changes, in code that runs repeatedly.
    /// Judged per type (symbol start/end) so that writes to the same path and "called only from set-up" see every
    /// part of a partial type.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF5001RepeatedFileReadAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: path prefixes of files that change by themselves and must be read fresh.</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> FreshPathPrefixes = OptionDefinition.List(
            "SF5001.fresh_path_prefixes",
            "Path prefixes of files that change by themselves (live playlists, logs) and must be read fresh; setting it replaces the defaults.",
            "/proc/",
            "/sys/");

        /// <summary>Diagnostic property: "true" when the read can move into a static <c>Lazy&lt;T&gt;</c> field.</summary>
        public const string CanLoadOnceProperty = "CanLoadOnce";

        /// <summary>Diagnostic property: a name for that field.</summary>
        public const string FieldNameProperty = "FieldName";

        internal static readonly ImmutableHashSet<string> ReadMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal, "ReadAllText", "ReadAllLines", "ReadAllBytes", "ReadAllTextAsync", "ReadAllLinesAsync", "ReadAllBytesAsync", "ReadLines");

        private static readonly string[] WritePrefixes = { "Write", "Append", "Create", "Delete", "Move", "Copy", "Replace", "OpenWrite", "SetLastWrite", "Encrypt", "Decrypt" };


        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.RepeatedFileRead);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF5001RepeatedFileRead);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (!TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // a test project (see TestCode)
                }

                var types = SF5001Symbols.GetOrCreate(start.Compilation);
                if (types.File is null)
                {
                    return;
                }

                start.RegisterSymbolStartAction(
                    symbolStart =>
                    {
                        var state = new TypeState((INamedTypeSymbol)symbolStart.Symbol, types);
                        symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                        symbolStart.RegisterOperationAction(state.OnMethodReference, OperationKind.MethodReference);
                        symbolStart.RegisterSymbolEndAction(state.OnEnd);
                    },
                    SymbolKind.NamedType);
            });
        }

        private sealed class Options
        {
            public Options(ImmutableHashSet<string> freshPrefixes) => FreshPrefixes = freshPrefixes;

            public ImmutableHashSet<string> FreshPrefixes { get; }

            public static Options Parse(AnalyzerConfigOptions options) => new Options(FreshPathPrefixes.Read(options));
        }

        private sealed class Candidate
        {
            public Candidate(IInvocationOperation read, PathInfo path, ISymbol member, bool repeated)
            {
                Read = read;
                Path = path;
                Member = member;
                Repeated = repeated;
            }

            public IInvocationOperation Read { get; }

            public PathInfo Path { get; }

            public ISymbol Member { get; }

            public bool Repeated { get; }
        }

        private sealed class TypeState
        {
            private readonly INamedTypeSymbol _type;
            private readonly SF5001Symbols _types;
            private readonly object _gate = new object();
            private readonly List<Candidate> _candidates = new List<Candidate>();
            private readonly HashSet<string> _writtenPaths = new HashSet<string>(StringComparer.Ordinal);
            private readonly Dictionary<IMethodSymbol, List<(ISymbol Caller, bool Repeated)>> _callers = new Dictionary<IMethodSymbol, List<(ISymbol, bool)>>(SymbolEqualityComparer.Default);
            private readonly HashSet<IMethodSymbol> _escaped = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            public TypeState(INamedTypeSymbol type, SF5001Symbols types)
            {
                _type = type;
                _types = types;
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                var method = invocation.TargetMethod;
                var isFile = KnownTypes.Is(method.ContainingType, _types.File);

                // Cheap tests first: only File calls and calls of this type's private methods matter.
                if ((!isFile && (method.DeclaredAccessibility != Accessibility.Private || !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type))) ||
                    !SymbolEqualityComparer.Default.Equals(context.ContainingSymbol.ContainingType, _type))
                {
                    return; // nothing to record, or a nested type's member (its own symbol-start scope judges it)
                }

                if (isFile)
                {
                    if (ReadMethods.Contains(method.Name))
                    {
                        OnRead(invocation, context.ContainingSymbol);
                    }
                    else if (IsWrite(method.Name))
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Value.Type?.SpecialType == SpecialType.System_String && InvariantPath.TryGet(argument.Value, _types, out var written))
                            {
                                lock (_gate)
                                {
                                    _writtenPaths.Add(written.Key);
                                }
                            }
                        }
                    }

                    return;
                }

                if (method.MethodKind == MethodKind.Ordinary)
                {
                    var repeated = IsStructurallyRepeated(invocation, out _);
                    lock (_gate)
                    {
                        if (!_callers.TryGetValue(method.OriginalDefinition, out var list))
                        {
                            _callers[method.OriginalDefinition] = list = new List<(ISymbol, bool)>();
                        }

                        list.Add((context.ContainingSymbol, repeated));
                    }
                }
            }

            public void OnMethodReference(OperationAnalysisContext context)
            {
                // A method group handed out may be called from anywhere, any number of times.
                var reference = (IMethodReferenceOperation)context.Operation;
                lock (_gate)
                {
                    _escaped.Add(reference.Method.OriginalDefinition);
                }
            }

            private void OnRead(IInvocationOperation read, ISymbol member)
            {
                IArgumentOperation? pathArgument = null;
                foreach (var argument in read.Arguments)
                {
                    if (argument.Parameter?.Ordinal == 0)
                    {
                        pathArgument = argument;
                    }
                }

                if (pathArgument is null || !InvariantPath.TryGet(pathArgument.Value, _types, out var path) ||
                    IsMemoized(read) || ChecksLastWriteTime(read))
                {
                    return;
                }

                var repeated = IsStructurallyRepeated(read, out var inCacheFactory);
                if (inCacheFactory)
                {
                    return;
                }

                lock (_gate)
                {
                    _candidates.Add(new Candidate(read, path, member, repeated));
                }
            }

            public void OnEnd(SymbolAnalysisContext context)
            {
                List<Candidate> candidates;
                lock (_gate)
                {
                    candidates = new List<Candidate>(_candidates);
                }

                foreach (var candidate in candidates)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    if (_writtenPaths.Contains(candidate.Path.Key) || (!candidate.Repeated && IsSetUp(candidate.Member, 0)))
                    {
                        continue;
                    }

                    var tree = candidate.Read.Syntax.SyntaxTree;
                    var options = OptionsCache<Options>.Get(context.Options, tree, Options.Parse);
                    if (candidate.Path.Constant is { } constant && StartsWithAny(constant, options.FreshPrefixes))
                    {
                        continue;
                    }

                    var method = candidate.Read.TargetMethod;
                    var canLoadOnce = candidate.Path.IsStatic && (method.Name == "ReadAllText" || method.Name == "ReadAllTextAsync") &&
                                      !HasCancellationToken(candidate.Read) && _types.Lazy is not null;
                    var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                    properties.Add(CanLoadOnceProperty, canLoadOnce ? "true" : "false");
                    properties.Add(FieldNameProperty, FieldName(candidate.Path.NameHint));
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SF5001RepeatedFileRead,
                        candidate.Read.Syntax.GetLocation(),
                        properties.ToImmutable(),
                        "File." + method.Name,
                        Describe(candidate)));
                }
            }

            /// <summary>
            /// One-time set-up: constructors, initializers, Main, and private methods (Load/Init-style ones, whatever their
            /// name) called only from set-up and never handed out as a method group.
            /// </summary>
            private bool IsSetUp(ISymbol member, int depth)
            {
                switch (member)
                {
                    case IFieldSymbol or IPropertySymbol:
                        return true; // an initializer
                    case IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor }:
                        return true;
                    case IMethodSymbol { IsStatic: true, Name: "Main" or "<Main>$" }:
                        return true;
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private } method when depth < 4:
                        List<(ISymbol Caller, bool Repeated)>? callers;
                        lock (_gate)
                        {
                            if (_escaped.Contains(method.OriginalDefinition) || !_callers.TryGetValue(method.OriginalDefinition, out callers))
                            {
                                return false;
                            }

                            callers = new List<(ISymbol, bool)>(callers);
                        }

                        foreach (var (caller, repeated) in callers)
                        {
                            if (repeated || SymbolEqualityComparer.Default.Equals(caller, method) || !IsSetUp(caller, depth + 1))
                            {
                                return false;
                            }
                        }

                        return callers.Count > 0;
                    default:
                        return false;
                }
            }

            /// <summary>Inside a loop, a lambda or a local function (which run any number of times); or inside a cache's value factory.</summary>
            private bool IsStructurallyRepeated(IOperation operation, out bool inCacheFactory)
            {
                inCacheFactory = false;
                var repeated = false;
                for (var current = operation.Parent; current is not null; current = current.Parent)
                {
                    switch (current)
                    {
                        case ILoopOperation:
                        case ILocalFunctionOperation:
                            repeated = true;
                            break;
                        case IAnonymousFunctionOperation lambda:
                            if (IsCacheFactory(lambda))
                            {
                                inCacheFactory = true;
                                return false;
                            }

                            repeated = true;
                            break;
                    }
                }

                return repeated;
            }

            private bool IsCacheFactory(IAnonymousFunctionOperation lambda)
            {
                var argument = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
                if (argument is not IArgumentOperation { Parent: { } consumer })
                {
                    return false;
                }

                return consumer switch
                {
                    IInvocationOperation call => IsCacheFactoryMethod(call.TargetMethod),
                    IObjectCreationOperation created => KnownTypes.Is(created.Type, _types.Lazy),
                    _ => false,
                };
            }

            /// <summary>
            /// A method that runs its factory once per key and keeps the result, recognised by its declaring type:
            /// ConcurrentDictionary and BoundedCache (GetOrAdd, AddOrUpdate), IMemoryCache's GetOrCreate(Async), HybridCache's
            /// GetOrCreateAsync, ConditionalWeakTable's GetValue/GetOrAdd, LazyInitializer.EnsureInitialized.
            /// </summary>
            private bool IsCacheFactoryMethod(IMethodSymbol method)
            {
                var type = (method.ReducedFrom ?? method).ContainingType;
                return method.Name switch
                {
                    "GetOrAdd" => KnownTypes.Is(type, _types.ConcurrentDictionary) || KnownTypes.Is(type, _types.SteadfastBoundedCache) || KnownTypes.Is(type, _types.ConditionalWeakTable),
                    "AddOrUpdate" => KnownTypes.Is(type, _types.ConcurrentDictionary) || KnownTypes.Is(type, _types.SteadfastBoundedCache),
                    "GetOrCreate" or "GetOrCreateAsync" => KnownTypes.Is(type, _types.MemoryCacheExtensions) || KnownTypes.DerivesFrom(type, _types.HybridCache),
                    "GetValue" => KnownTypes.Is(type, _types.ConditionalWeakTable),
                    "EnsureInitialized" => KnownTypes.Is(type, _types.LazyInitializer),
                    _ => false,
                };
            }

            /// <summary><c>_text ??= File.ReadAllText(...)</c>, or the result stored in a field or property (a memo, or an explicit reload).</summary>
            private static bool IsMemoized(IOperation read)
            {
                var current = read;
                while (current.Parent is IAwaitOperation or IConversionOperation { IsImplicit: true } ||
                       (current.Parent is ICoalesceOperation coalesce && coalesce.WhenNull == current))
                {
                    current = current.Parent!;
                }

                return current.Parent switch
                {
                    ICoalesceAssignmentOperation => true,
                    ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } => true,
                    _ => false,
                };
            }

            /// <summary>The same function looks at the file's last write time: it does its own change detection.</summary>
            private bool ChecksLastWriteTime(IOperation read)
            {
                foreach (var op in OperationHelpers.Root(read).Descendants())
                {
                    switch (op)
                    {
                        case IInvocationOperation { TargetMethod.Name: "GetLastWriteTime" or "GetLastWriteTimeUtc" } call when KnownTypes.Is(call.TargetMethod.ContainingType, _types.File):
                        case IPropertyReferenceOperation { Property.Name: "LastWriteTime" or "LastWriteTimeUtc" } property when KnownTypes.Is(property.Property.ContainingType, _types.FileInfo):
                            return true;
                    }
                }

                return false;
            }

            private bool HasCancellationToken(IInvocationOperation read)
            {
                foreach (var argument in read.Arguments)
                {
                    if (KnownTypes.Is(argument.Parameter?.Type, _types.CancellationToken) && !argument.IsImplicit)
                    {
                        return true;
                    }
                }

                return false;
            }

            private static bool IsWrite(string name)
            {
                foreach (var prefix in WritePrefixes)
                {
                    if (name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static bool StartsWithAny(string path, ImmutableHashSet<string> prefixes)
            {
                foreach (var prefix in prefixes)
                {
                    if (path.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static string Describe(Candidate candidate)
            {
                if (candidate.Path.Constant is { } constant)
                {
                    return "'" + constant + "'";
                }

                var text = candidate.Read.Arguments.Length > 0 ? candidate.Read.Arguments[0].Syntax.ToString() : "the file";
                return "'" + (text.Length > 60 ? text.Substring(0, 57) + "..." : text) + "'";
            }

            /// <summary>"playbook.md" and a field PlaybookPath give "PlaybookText"; no name gives "LoadedText".</summary>
            private static string FieldName(string? hint)
            {
                var stem = hint is null ? null : System.IO.Path.GetFileNameWithoutExtension(hint.TrimEnd('/', '\\'));
                foreach (var suffix in new[] { "FilePath", "Path", "File", "FileName" })
                {
                    if (stem is not null && stem.Length > suffix.Length && stem.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        stem = stem.Substring(0, stem.Length - suffix.Length);
                        break;
                    }
                }

                var name = new System.Text.StringBuilder();
                var upper = true;
                foreach (var c in stem ?? string.Empty)
                {
                    if (char.IsLetterOrDigit(c))
                    {
                        name.Append(upper ? char.ToUpperInvariant(c) : c);
                        upper = false;
                    }
                    else
                    {
                        upper = true;
                    }
                }

                if (name.Length == 0 || !char.IsLetter(name[0]))
                {
                    name.Insert(0, "Loaded");
                }

                return name.Append("Text").ToString();
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF5001
{
    /// <summary>The symbols SF5001 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF5001Symbols : RuleSymbols<SF5001Symbols>
    {
        private SF5001Symbols(KnownTypes types)
            : base(types)
        {
            AppContext = types.AppContext;
            AppDomain = types.AppDomain;
            CancellationToken = types.CancellationToken;
            ConcurrentDictionary = types.ConcurrentDictionary;
            ConditionalWeakTable = types.ConditionalWeakTable;
            File = types.File;
            FileInfo = types.FileInfo;
            HybridCache = types.HybridCache;
            Lazy = types.Lazy;
            LazyInitializer = types.LazyInitializer;
            MemoryCacheExtensions = types.MemoryCacheExtensions;
            Path = types.Path;
            SteadfastBoundedCache = types.SteadfastBoundedCache;
            SteadfastFileCache = types.SteadfastFileCache;
        }

        public INamedTypeSymbol? AppContext { get; }

        public INamedTypeSymbol? AppDomain { get; }

        public INamedTypeSymbol? CancellationToken { get; }

        public INamedTypeSymbol? ConcurrentDictionary { get; }

        public INamedTypeSymbol? ConditionalWeakTable { get; }

        public INamedTypeSymbol? File { get; }

        public INamedTypeSymbol? FileInfo { get; }

        public INamedTypeSymbol? HybridCache { get; }

        public INamedTypeSymbol? Lazy { get; }

        public INamedTypeSymbol? LazyInitializer { get; }

        public INamedTypeSymbol? MemoryCacheExtensions { get; }

        public INamedTypeSymbol? Path { get; }

        public INamedTypeSymbol? SteadfastBoundedCache { get; }

        public INamedTypeSymbol? SteadfastFileCache { get; }

        public static SF5001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF5001Symbols(types));
    }
}
