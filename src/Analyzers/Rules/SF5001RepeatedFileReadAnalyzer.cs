using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF2001;
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
            private readonly HashSet<IMethodSymbol> _changeHandlers = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

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
                // A method group handed out may be called from anywhere, any number of times; unless it is handed to a
                // change notification (a FileSystemWatcher event, ChangeToken.OnChange): then it runs to see an edit.
                var reference = (IMethodReferenceOperation)context.Operation;
                var changeHandler = _types.IsChangeCallback(reference);
                lock (_gate)
                {
                    (changeHandler ? _changeHandlers : _escaped).Add(reference.Method.OriginalDefinition);
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

                // Stored in a field: a memo or a reload, unless the object is made per request (a controller's field is no cache).
                if (pathArgument is null || (IsMemoized(read) && !_types.IsPerRequestType(_type)) || ChecksLastWriteTime(read))
                {
                    return;
                }

                if (!InvariantPath.TryGet(pathArgument.Value, _types, out var path))
                {
                    // Not the same path on every call, but the same path on every turn of the loop around the read: the
                    // template read once per recipient.
                    if (EnclosingLoop(read) is not { } loop || !InvariantPath.TryGetLoopInvariant(pathArgument.Value, loop, _types, out path))
                    {
                        return;
                    }
                }

                if (path.Bounded && EnclosingLoop(read) is not null)
                {
                    return; // a loop over a closed set of files loads each of them: not the same file again
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

                    // A command-line tool runs one command and exits (OneShotTool): every read in it is a read once per process.
                    // Asked last, for a read that would be reported: the answer costs the entry point's calls, once per compilation.
                    if (OneShotTool.IsCommandLineTool(context.Compilation, context.CancellationToken))
                    {
                        return;
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
                if (member is IMethodSymbol handler)
                {
                    lock (_gate)
                    {
                        if (_escaped.Contains(handler.OriginalDefinition))
                        {
                            return false;
                        }

                        if (_changeHandlers.Contains(handler.OriginalDefinition))
                        {
                            return true; // runs to see an edit: a read there is the point
                        }
                    }
                }

                switch (member)
                {
                    case IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true }:
                        return true; // a static initializer
                    case IFieldSymbol or IPropertySymbol:
                        return !_types.IsPerRequestType(member.ContainingType); // an instance initializer runs with the constructor
                    case IMethodSymbol { MethodKind: MethodKind.StaticConstructor }:
                        return true;
                    case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                        // Constructors run once per instance, and most instances are made once (singletons, services, bots).
                        // A controller is made for every request: its constructor reads on every request.
                        return !_types.IsPerRequestType(constructor.ContainingType);
                    case IMethodSymbol { IsStatic: true, Name: "Main" or "<Main>$" }:
                        return true;
                    case IMethodSymbol startUp when _types.RunsAtStartUp(startUp):
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

            /// <summary>
            /// Inside a loop (not its <c>foreach</c> collection or <c>for</c> initializer, which run once), a lambda or a
            /// local function (which run any number of times). <paramref name="inCacheFactory"/>: inside a lambda whose
            /// runs are already few — a cache's value factory, an <c>AddSingleton</c> factory — or that runs to see an edit
            /// (a FileSystemWatcher handler, a ChangeToken or IOptionsMonitor callback).
            /// </summary>
            private bool IsStructurallyRepeated(IOperation operation, out bool inCacheFactory)
            {
                inCacheFactory = false;
                var repeated = false;
                var child = operation;
                for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
                {
                    switch (current)
                    {
                        case IForEachLoopOperation forEach when ReferenceEquals(forEach.Collection, child):
                        case IForLoopOperation forLoop when forLoop.Before.Contains(child):
                            break;
                        case ILoopOperation:
                        case ILocalFunctionOperation:
                            repeated = true;
                            break;
                        case IAnonymousFunctionOperation lambda:
                            if (IsCacheFactory(lambda) || _types.IsSingletonFactory(lambda) || _types.IsChangeCallback(lambda))
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

            /// <summary>The loop whose body holds <paramref name="operation"/>, in the same function (not across a lambda); null when none.</summary>
            private static ILoopOperation? EnclosingLoop(IOperation operation)
            {
                var child = operation;
                for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
                {
                    switch (current)
                    {
                        case IAnonymousFunctionOperation or ILocalFunctionOperation:
                            return null;
                        case IForEachLoopOperation forEach when ReferenceEquals(forEach.Collection, child):
                        case IForLoopOperation forLoop when forLoop.Before.Contains(child):
                            continue;
                        case ILoopOperation loop:
                            return loop;
                    }
                }

                return null;
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

            /// <summary>
            /// <c>_text ??= File.ReadAllText(...)</c>, or the result stored in a field or property (a memo, or an explicit
            /// reload that refreshes a cache): directly, after parsing (<c>_rules = Parse(File.ReadAllText(p))</c>,
            /// <c>new Rules(...)</c>, <c>.Split('\n')</c>), or through a local that is then stored so.
            /// </summary>
            private static bool IsMemoized(IOperation read)
            {
                var stored = StoredIn(read);
                if (stored is IVariableDeclaratorOperation declarator)
                {
                    foreach (var op in OperationHelpers.Root(read).Descendants())
                    {
                        if (op is ILocalReferenceOperation use && SymbolEqualityComparer.Default.Equals(use.Local, declarator.Symbol) && StoredIn(use) is IAssignmentOperation)
                        {
                            return true;
                        }
                    }

                    return false;
                }

                return stored is IAssignmentOperation;
            }

            /// <summary>
            /// Where the value ends up, through awaits, conversions, <c>??</c>, calls it is an argument or receiver of, and
            /// objects made from it: a field or property assignment, a local's declarator, or null.
            /// </summary>
            private static IOperation? StoredIn(IOperation value)
            {
                var current = value;
                for (var i = 0; i < 8 && current.Parent is { } parent; i++)
                {
                    switch (parent)
                    {
                        case IAwaitOperation or IConversionOperation or IParenthesizedOperation:
                        case ICoalesceOperation coalesce when ReferenceEquals(coalesce.WhenNull, current) || ReferenceEquals(coalesce.Value, current):
                        case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, current):
                        case IObjectCreationOperation:
                        case IArgumentOperation:
                            current = parent;
                            continue;
                        case ICoalesceAssignmentOperation:
                            return parent;
                        case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false } } assignment when ReferenceEquals(assignment.Value, current):
                            return parent;
                        case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                            return declarator;
                    }

                    if (parent is IInvocationOperation)
                    {
                        current = parent; // an argument's call (its IArgumentOperation was the previous step)
                        continue;
                    }

                    return null;
                }

                return null;
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
        }

        public INamedTypeSymbol? Directory => Types.Directory;

        public INamedTypeSymbol? Environment => Types.Environment;

        public INamedTypeSymbol? HostEnvironment => Types.HostEnvironment;

        public INamedTypeSymbol? WebHostEnvironment => Types.WebHostEnvironment;

        /// <summary>
        /// Code that runs once while a service starts, by the symbols of what it is handed or implements: a method taking
        /// (or returning) a service collection, an application, host or web-host builder, or an endpoint route builder
        /// (<c>ConfigureServices</c>, <c>Configure</c>, <c>CreateHostBuilder</c>, an <c>AddMyServices(this IServiceCollection)</c>
        /// extension); <c>IHostedService.StartAsync</c> and <c>BackgroundService.StartAsync</c>/<c>ExecuteAsync</c> (their
        /// loops are judged as loops).
        /// </summary>
        public bool RunsAtStartUp(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (IsStartUpBuilder(parameter.Type))
                {
                    return true;
                }
            }

            if (IsStartUpBuilder(method.ReturnType))
            {
                return true;
            }

            for (var overridden = method; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (KnownTypes.Is(overridden.ContainingType, Types.BackgroundService) && overridden.Name is "ExecuteAsync" or "StartAsync")
                {
                    return true;
                }
            }

            if (Types.HostedService is { } hosted && method.ContainingType is { } type)
            {
                foreach (var member in hosted.GetMembers("StartAsync"))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool IsStartUpBuilder(ITypeSymbol? type)
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                return false;
            }

            if (IsOneOfBuilders(type))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (IsOneOfBuilders(implemented))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsOneOfBuilders(ITypeSymbol type) =>
            KnownTypes.Is(type, Types.ServiceCollection) || KnownTypes.Is(type, Types.ApplicationBuilder) || KnownTypes.Is(type, Types.HostBuilder) ||
            KnownTypes.Is(type, Types.WebHostBuilder) || KnownTypes.Is(type, Types.HostApplicationBuilder) || KnownTypes.Is(type, Types.WebApplicationBuilder) ||
            KnownTypes.Is(type, Types.EndpointRouteBuilder);

        /// <summary>A controller (derives from <c>ControllerBase</c>, or carries <c>[ApiController]</c>): one instance per request.</summary>
        public bool IsPerRequestType(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            if (KnownTypes.DerivesFrom(type, Types.ControllerBase))
            {
                return true;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var attribute in t.GetAttributes())
                {
                    if (KnownTypes.DerivesFrom(attribute.AttributeClass, Types.ApiControllerAttribute))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A callback that runs when a file or its settings change: a <c>FileSystemWatcher</c> event handler, the consumer
        /// of <c>ChangeToken.OnChange</c>, the listener of <c>IOptionsMonitor&lt;T&gt;.OnChange</c>.
        /// </summary>
        public bool IsChangeCallback(IOperation delegateValue)
        {
            var value = delegateValue.Parent is IDelegateCreationOperation creation ? creation : delegateValue;
            value = OperationHelpers.OutermostConversion(value);
            switch (value.Parent)
            {
                case IEventAssignmentOperation { EventReference: IEventReferenceOperation { Event: var @event }, Adds: true }:
                    return KnownTypes.DerivesFrom(@event.ContainingType, Types.FileSystemWatcher);
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: var method } }:
                    var declaring = (method.ReducedFrom ?? method).ContainingType;
                    return method.Name == "OnChange" &&
                           (KnownTypes.Is(declaring, Types.ChangeToken) || KnownTypes.Is(declaring, Types.OptionsMonitor) || KnownTypes.Is(declaring, Types.OptionsMonitorExtensions));
                default:
                    return false;
            }
        }

        /// <summary>The factory of <c>AddSingleton(sp => ...)</c>: it runs once, for the one instance.</summary>
        public bool IsSingletonFactory(IOperation delegateValue)
        {
            var value = delegateValue.Parent is IDelegateCreationOperation creation ? creation : delegateValue;
            return OperationHelpers.OutermostConversion(value).Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: var method } } &&
                   method.Name == "AddSingleton" && KnownTypes.Is((method.ReducedFrom ?? method).ContainingType, Types.ServiceCollectionServiceExtensions);
        }

        public INamedTypeSymbol? AppContext => Types.AppContext;

        public INamedTypeSymbol? AppDomain => Types.AppDomain;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public INamedTypeSymbol? ConcurrentDictionary => Types.ConcurrentDictionary;

        public INamedTypeSymbol? ConditionalWeakTable => Types.ConditionalWeakTable;

        public INamedTypeSymbol? File => Types.File;

        public INamedTypeSymbol? FileInfo => Types.FileInfo;

        public INamedTypeSymbol? HybridCache => Types.HybridCache;

        public INamedTypeSymbol? Lazy => Types.Lazy;

        public INamedTypeSymbol? LazyInitializer => Types.LazyInitializer;

        public INamedTypeSymbol? MemoryCacheExtensions => Types.MemoryCacheExtensions;

        public INamedTypeSymbol? Path => Types.Path;

        public INamedTypeSymbol? SteadfastBoundedCache => Types.SteadfastBoundedCache;

        public INamedTypeSymbol? SteadfastFileCache => Types.SteadfastFileCache;

        public static SF5001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF5001Symbols(types));
    }
}
