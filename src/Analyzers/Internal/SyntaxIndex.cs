using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// A syntactic prefilter for the facts that span the compilation (who calls a method, who creates or holds a type):
    /// one walk of every syntax tree, once per compilation and only when a rule first asks, shared by every rule that
    /// asks (SF4001's and SF4002's input sources and owner lifetimes, SF6001's helper callers). It keeps nodes by the
    /// simple name they mention; a rule binds only the few candidates of the name in question and confirms them by symbol.
    /// </summary>
    /// <remarks>
    /// Cost: one <c>DescendantNodes</c> walk of each tree (no binding), and lists of references to the nodes kept (the
    /// invocations, object creations and field and property declarations, and for each identifier the trees it occurs
    /// in). Measured in docs/performance.md ("Real code, round 4: cost").
    /// </remarks>
    internal sealed class SyntaxIndex
    {
        private static readonly ConditionalWeakTable<Compilation, RetryableLazy<SyntaxIndex>> Cache = new ConditionalWeakTable<Compilation, RetryableLazy<SyntaxIndex>>();

        private static readonly IReadOnlyList<InvocationExpressionSyntax> NoInvocations = new InvocationExpressionSyntax[0];
        private static readonly IReadOnlyList<ObjectCreationExpressionSyntax> NoCreations = new ObjectCreationExpressionSyntax[0];
        private static readonly IReadOnlyList<SyntaxNode> NoDeclarations = new SyntaxNode[0];
        private static readonly IReadOnlyList<SyntaxTree> NoTrees = new SyntaxTree[0];

        private readonly Dictionary<string, List<InvocationExpressionSyntax>> _invocations = new Dictionary<string, List<InvocationExpressionSyntax>>();
        private readonly Dictionary<string, List<ObjectCreationExpressionSyntax>> _creations = new Dictionary<string, List<ObjectCreationExpressionSyntax>>();
        private readonly Dictionary<string, List<SyntaxNode>> _declarations = new Dictionary<string, List<SyntaxNode>>();
        private readonly Dictionary<string, List<SyntaxTree>> _treesByName = new Dictionary<string, List<SyntaxTree>>();

        private SyntaxIndex()
        {
        }

        /// <summary>The index of <paramref name="compilation"/>, built on first use (a cancelled build is not kept).</summary>
        public static SyntaxIndex Get(Compilation compilation, CancellationToken cancellationToken) =>
            Cache.GetValue(compilation, static c => new RetryableLazy<SyntaxIndex>(token => Build(c, token))).GetValue(cancellationToken);

        /// <summary>
        /// Invocations whose invoked expression ends in the simple name <paramref name="name"/> (<c>M(…)</c>, <c>x.M(…)</c>,
        /// <c>x?.M(…)</c>, generic or not), in tree order.
        /// </summary>
        public IReadOnlyList<InvocationExpressionSyntax> Invocations(string name) =>
            _invocations.TryGetValue(name, out var list) ? list : NoInvocations;

        /// <summary>Object creations (<c>new T(…)</c>) whose type's simple name is <paramref name="typeName"/> (the right-most name of a qualified one).</summary>
        public IReadOnlyList<ObjectCreationExpressionSyntax> Creations(string typeName) =>
            _creations.TryGetValue(typeName, out var list) ? list : NoCreations;

        /// <summary>Field, event-field and property declarations whose declared type mentions the simple name <paramref name="typeName"/> anywhere (<c>List&lt;Parser&gt;</c> under List and Parser).</summary>
        public IReadOnlyList<SyntaxNode> Declarations(string typeName) =>
            _declarations.TryGetValue(typeName, out var list) ? list : NoDeclarations;

        /// <summary>The trees in which some simple name (an identifier or generic name) is <paramref name="name"/>, in compilation order.</summary>
        public IReadOnlyList<SyntaxTree> TreesNaming(string name) =>
            _treesByName.TryGetValue(name, out var list) ? list : NoTrees;

        private static SyntaxIndex Build(Compilation compilation, CancellationToken cancellationToken)
        {
            var index = new SyntaxIndex();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                {
                    switch (node)
                    {
                        case SimpleNameSyntax simple:
                            var trees = Add(index._treesByName, simple.Identifier.ValueText);
                            if (trees.Count == 0 || trees[trees.Count - 1] != tree)
                            {
                                trees.Add(tree);
                            }

                            break;
                        case InvocationExpressionSyntax invocation:
                            if (InvokedName(invocation) is { } invoked)
                            {
                                Add(index._invocations, invoked).Add(invocation);
                            }

                            break;
                        case ObjectCreationExpressionSyntax creation:
                            if (SimpleName(creation.Type) is { } created)
                            {
                                Add(index._creations, created).Add(creation);
                            }

                            break;
                        case BaseFieldDeclarationSyntax field:
                            AddEveryName(index._declarations, field.Declaration.Type, node);
                            break;
                        case PropertyDeclarationSyntax property:
                            AddEveryName(index._declarations, property.Type, node);
                            break;
                    }
                }
            }

            return index;
        }

        /// <summary>The simple name an invocation calls: <c>M</c> in <c>M(…)</c>, <c>x.M(…)</c>, <c>x?.M(…)</c>; null for anything else.</summary>
        internal static string? InvokedName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };

        private static string? SimpleName(TypeSyntax type) => type switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            NullableTypeSyntax nullable => SimpleName(nullable.ElementType),
            _ => null,
        };

        /// <summary>A declaration under each distinct simple name in its type (once per name, as a set of candidates).</summary>
        private static void AddEveryName(Dictionary<string, List<SyntaxNode>> byName, TypeSyntax type, SyntaxNode node)
        {
            foreach (var name in type.DescendantNodesAndSelf())
            {
                if (name is SimpleNameSyntax simple)
                {
                    var list = Add(byName, simple.Identifier.ValueText);
                    if (list.Count == 0 || list[list.Count - 1] != node)
                    {
                        list.Add(node);
                    }
                }
            }
        }

        private static List<T> Add<T>(Dictionary<string, List<T>> byName, string name)
        {
            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = new List<T>();
            }

            return list;
        }
    }
}
