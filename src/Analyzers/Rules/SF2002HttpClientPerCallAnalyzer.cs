using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF2002;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF2002: <c>new HttpClient(...)</c> in code that runs per call: methods, accessors, lambdas, local functions, loops.
    /// Not in one-time set-up: static initializers and constructors, <c>Main</c>, top-level statements, <c>Program</c> and
    /// <c>Startup</c> methods (outside loops and lambdas), DI registrations, a creation that is stored in a field or
    /// property or returned from a factory method, and test methods.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF2002HttpClientPerCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: report in test code too (silent there by default).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.HttpClientPerCall);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF2002HttpClientPerCall);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                var types = SF2002Symbols.GetOrCreate(start.Compilation);
                if (types.HttpClient is null || !TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // no HttpClient, or a test project (see TestCode)
                }

                start.RegisterOperationAction(context => Analyze(context, types), OperationKind.ObjectCreation, OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SF2002Symbols types)
        {
            var creation = context.Operation;
            if (!IsPerCall(creation, context.ContainingSymbol, types, out var inLambda))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SF2002HttpClientPerCall, creation.Syntax.GetLocation(), Describe(context.ContainingSymbol, inLambda)));
        }

        /// <summary>
        /// True for a <c>new HttpClient(...)</c> (or a <c>ResilientHttp.CreateClient(...)</c>: a new client all the same) in
        /// code that runs per call. Shared with the SF2001 fix, which leaves such clients to SF2002's fix.
        /// </summary>
        internal static bool IsPerCall(IOperation creation, ISymbol member, SF2002Symbols types, out bool inLambda)
        {
            inLambda = false;
            var isClient = creation switch
            {
                IObjectCreationOperation newClient => KnownTypes.Is(newClient.Type, types.HttpClient),
                IInvocationOperation call => call.TargetMethod.Name == "CreateClient" && KnownTypes.Is(call.TargetMethod.ContainingType, types.SteadfastResilientHttp),
                _ => false,
            };
            if (!isClient || IsKeptOrHandedOver(creation, types) || IsInMemory(creation, types))
            {
                return false;
            }

            var inLoop = false;
            for (var op = creation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    if (IsDependencyInjectionArgument(op, types))
                    {
                        return false; // services.AddSingleton(sp => new HttpClient(...)): once, by the container
                    }

                    inLambda = true;
                    break;
                }

                if (op is ILoopOperation)
                {
                    inLoop = true;
                }
            }

            return inLambda || inLoop || !RunsOnce(member, types);
        }

        /// <summary>
        /// <c>new HttpClient(server.CreateHandler())</c> over an in-memory <c>TestServer</c> (directly, wrapped in another
        /// handler, or through a local): it opens no socket, so a client per call costs nothing.
        /// </summary>
        private static bool IsInMemory(IOperation creation, SF2002Symbols types)
        {
            if (types.TestServer is null || creation is not IObjectCreationOperation { Arguments: { Length: > 0 } arguments })
            {
                return false;
            }

            var pending = new Stack<(IOperation Value, int Depth)>();
            pending.Push((arguments[0].Value, 0));
            while (pending.Count > 0)
            {
                var (value, depth) = pending.Pop();
                foreach (var op in value.DescendantsAndSelf())
                {
                    switch (op)
                    {
                        case IInvocationOperation { TargetMethod: { Name: "CreateHandler" } method } when KnownTypes.DerivesFrom(method.ContainingType, types.TestServer):
                            return true;
                        case ILocalReferenceOperation local when depth < 3:
                            foreach (var use in OperationHelpers.Root(op).Descendants())
                            {
                                if (use is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local) &&
                                    OperationHelpers.InitialValue(declarator) is { } initial)
                                {
                                    pending.Push((initial, depth + 1));
                                }
                            }

                            break;
                    }
                }
            }

            return false;
        }

        /// <summary>Stored in a field or property (created once and kept), returned (a factory: the caller decides), or handed to DI.</summary>
        private static bool IsKeptOrHandedOver(IOperation creation, SF2002Symbols types)
        {
            var node = OperationHelpers.OutermostConversion(creation);

            return node.Parent switch
            {
                IAssignmentOperation { Target: IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } } assignment => assignment.Value == node,
                IReturnOperation => true,
                IArgumentOperation argument => IsDependencyInjectionArgument(argument, types),
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => IsLocalKept(declarator.Symbol, node),
                _ => false,
            };
        }

        /// <summary><c>var client = new HttpClient(); client.BaseAddress = ...; return client;</c> (a factory), or stored in a field afterwards.</summary>
        private static bool IsLocalKept(ILocalSymbol local, IOperation at)
        {
            foreach (var op in OperationHelpers.Root(at).Descendants())
            {
                if (op is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    var use = OperationHelpers.OutermostConversion(reference);

                    if (use.Parent is IReturnOperation ||
                        (use.Parent is IAssignmentOperation { Target: IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } } assignment && assignment.Value == use))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsDependencyInjectionArgument(IOperation operation, SF2002Symbols types)
        {
            var argument = operation as IArgumentOperation ?? (operation.Parent as IDelegateCreationOperation)?.Parent as IArgumentOperation;
            if (argument?.Parent is not IInvocationOperation call || types.ServiceCollection is null)
            {
                return false;
            }

            var receiver = call.Instance?.Type ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value.Type : null);
            return receiver is not null && (KnownTypes.Is(receiver, types.ServiceCollection) || receiver.AllInterfaces.Contains(types.ServiceCollection, SymbolEqualityComparer.Default));
        }

        /// <summary>One-time set-up: static initialization, entry points, composition roots, test methods.</summary>
        private static bool RunsOnce(ISymbol member, SF2002Symbols types)
        {
            switch (member)
            {
                case IFieldSymbol or IPropertySymbol when member.IsStatic:
                    return true; // a static initializer
                case IFieldSymbol or IPropertySymbol:
                    return !IsPerRequestType(member.ContainingType, types); // an instance initializer: once per object
                case IMethodSymbol method:
                    switch (method.MethodKind)
                    {
                        case MethodKind.StaticConstructor:
                            return true;
                        case MethodKind.Constructor:
                            return !IsPerRequestType(method.ContainingType, types);
                    }

                    if (method.IsStatic && (method.Name == "Main" || method.Name == "<Main>$"))
                    {
                        return true;
                    }

                    return IsCompositionRoot(method.ContainingType, types) || types.IsTestMethod(method);
                default:
                    return false;
            }
        }

        /// <summary>
        /// Where an app is put together, once: the type with the entry point (a static <c>Main</c>), or an ASP.NET Core
        /// startup class (a <c>ConfigureServices(IServiceCollection)</c> or <c>Configure(IApplicationBuilder, …)</c> method).
        /// Judged by shape and parameter types, not by the class's name.
        /// </summary>
        private static bool IsCompositionRoot(INamedTypeSymbol? type, SF2002Symbols types)
        {
            if (type is null)
            {
                return false;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is not IMethodSymbol method)
                {
                    continue;
                }

                if (method.IsStatic && method.Name is "Main" or "<Main>$")
                {
                    return true;
                }

                if (method.Parameters.Length > 0 &&
                    ((method.Name == "ConfigureServices" && KnownTypes.Is(method.Parameters[0].Type, types.ServiceCollection)) ||
                     (method.Name == "Configure" && KnownTypes.Is(method.Parameters[0].Type, types.ApplicationBuilder))))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>MVC controllers are created per request: their constructors and initializers run per call.</summary>
        private static bool IsPerRequestType(INamedTypeSymbol? type, SF2002Symbols types) => KnownTypes.DerivesFrom(type, types.ControllerBase);

        private static string Describe(ISymbol member, bool inLambda)
        {
            var name = member switch
            {
                IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ctor => ctor.ContainingType.Name + " constructor",
                IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet } accessor => accessor.AssociatedSymbol?.Name ?? accessor.Name,
                IMethodSymbol { Name: "<Main>$" } => "the top-level code",
                _ => member.Name,
            };

            return inLambda ? "a lambda in " + name : name;
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF2002
{
    /// <summary>The symbols SF2002 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF2002Symbols : RuleSymbols<SF2002Symbols>
    {
        private SF2002Symbols(KnownTypes types)
            : base(types)
        {
        }

        /// <summary>Microsoft.AspNetCore.TestHost's in-memory server, whose <c>CreateHandler()</c> opens no socket.</summary>
        public INamedTypeSymbol? TestServer => Types.TestServer;

        public INamedTypeSymbol? ApplicationBuilder => Types.ApplicationBuilder;

        public INamedTypeSymbol? ControllerBase => Types.ControllerBase;

        public INamedTypeSymbol? HttpClient => Types.HttpClient;

        public INamedTypeSymbol? ServiceCollection => Types.ServiceCollection;

        public INamedTypeSymbol? SteadfastResilientHttp => Types.SteadfastResilientHttp;

        /// <summary>See <see cref="KnownTypes.IsTestMethod"/>.</summary>
        public bool IsTestMethod(IMethodSymbol method) => Types.IsTestMethod(method);

        public static SF2002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF2002Symbols(types));
    }
}
