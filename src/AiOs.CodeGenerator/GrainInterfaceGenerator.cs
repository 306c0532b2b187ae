using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AiOs.CodeGenerator;

/// <summary>Writes, for every grain interface of a compilation, a proxy (a <c>GrainReference</c> implementing the
/// interface) and one request class per method, plus an assembly-level provider that lists them. No reflection is
/// used at call time: a call allocates its request and nothing else of the generator's making.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainInterfaceGenerator : IIncrementalGenerator
{
    private const string GrainMarker = "AiOs.IGrain";

    private static readonly HashSet<string> MarkerInterfaces =
    [
        "AiOs.IGrain", "AiOs.IGrainWithStringKey", "AiOs.IGrainWithGuidKey", "AiOs.IGrainWithIntegerKey",
    ];

    private static readonly SymbolDisplayFormat TypeWithNullability = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    // typeof() refuses nullable reference annotations.
    private static readonly SymbolDisplayFormat TypeForTypeOf = SymbolDisplayFormat.FullyQualifiedFormat;

    // Stable across processes and compilers: no aliases ("System.Int32", not "int"), no global:: prefix.
    private static readonly SymbolDisplayFormat IdFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.ExpandNullable);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var interfaces = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (ctx, ct) => Describe((INamedTypeSymbol?)ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct)))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .Collect();

        var assemblyName = context.CompilationProvider.Select(static (c, _) => c.AssemblyName ?? "Assembly");

        context.RegisterSourceOutput(interfaces.Combine(assemblyName), static (spc, input) => Emit(spc, input.Left, input.Right));
    }

    private static InterfaceModel? Describe(INamedTypeSymbol? symbol)
    {
        if (symbol is null || MarkerInterfaces.Contains(symbol.ToDisplayString(IdFormat)) ||
            !symbol.AllInterfaces.Any(static i => i.ToDisplayString(IdFormat) == GrainMarker))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        if (symbol.IsGenericType)
        {
            diagnostics.Add(At(symbol, "AIOS004", $"Grain interface {symbol.Name} is generic; generic grain interfaces are not supported."));
        }

        if (!IsAccessible(symbol))
        {
            diagnostics.Add(At(symbol, "AIOS005", $"Grain interface {symbol.Name} is private or nested in a private type; the generated proxy cannot implement it."));
        }

        var methods = new List<MethodModel>();
        foreach (var iface in new[] { symbol }.Concat(symbol.AllInterfaces))
        {
            foreach (var member in iface.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method)
                {
                    if (method.IsAbstract)
                    {
                        var model = DescribeMethod(iface, method, diagnostics);
                        if (model is not null)
                        {
                            methods.Add(model);
                        }
                    }
                }
                else if (member is IPropertySymbol or IEventSymbol && !member.IsStatic && member.IsAbstract)
                {
                    diagnostics.Add(At(member, "AIOS006", $"{iface.Name}.{member.Name}: grain interfaces may declare only methods, not properties or events."));
                }
            }
        }

        var metadataName = symbol.ToDisplayString(IdFormat);
        return new InterfaceModel(
            symbol.ToDisplayString(TypeForTypeOf),
            metadataName,
            Sanitize(metadataName),
            new EquatableArray<MethodModel>(diagnostics.Count == 0 ? methods : []),
            new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static MethodModel? DescribeMethod(INamedTypeSymbol iface, IMethodSymbol method, List<DiagnosticInfo> diagnostics)
    {
        var where = $"{iface.Name}.{method.Name}";
        if (method.IsGenericMethod)
        {
            diagnostics.Add(At(method, "AIOS002", $"{where} is generic; grain methods cannot have type parameters."));
            return null;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(At(parameter, "AIOS003", $"{where}: parameter '{parameter.Name}' is passed by reference; grain calls copy their arguments, so ref, out and in are not supported."));
                return null;
            }
        }

        var returnType = method.ReturnType as INamedTypeSymbol;
        var returnName = returnType?.ConstructedFrom.ToDisplayString(IdFormat);
        ReturnKind kind;
        string resultType, resultTypeOf;
        switch (returnName)
        {
            case "System.Threading.Tasks.Task":
                kind = ReturnKind.Task;
                resultType = resultTypeOf = "global::AiOs.Invocation.VoidResult";
                break;
            case "System.Threading.Tasks.ValueTask":
                kind = ReturnKind.ValueTask;
                resultType = resultTypeOf = "global::AiOs.Invocation.VoidResult";
                break;
            case "System.Threading.Tasks.Task<TResult>":
            case "System.Threading.Tasks.ValueTask<TResult>":
                kind = returnName.StartsWith("System.Threading.Tasks.Task", System.StringComparison.Ordinal) ? ReturnKind.TaskOfT : ReturnKind.ValueTaskOfT;
                resultType = returnType!.TypeArguments[0].ToDisplayString(TypeWithNullability);
                resultTypeOf = returnType.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeForTypeOf);
                break;
            default:
                diagnostics.Add(At(method, "AIOS001", $"{where} returns {method.ReturnType.ToDisplayString()}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>."));
                return null;
        }

        var options = new List<string>();
        foreach (var attribute in method.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString(IdFormat))
            {
                case "AiOs.ReadOnlyAttribute":
                    options.Add("global::AiOs.Invocation.GrainMethodOptions.ReadOnly");
                    break;
                case "AiOs.AlwaysInterleaveAttribute":
                    options.Add("global::AiOs.Invocation.GrainMethodOptions.AlwaysInterleave");
                    break;
            }
        }

        var parameters = method.Parameters.Select(p => new ParameterModel(
            p.Name,
            p.Type.ToDisplayString(TypeWithNullability),
            p.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeForTypeOf))).ToList();
        var id = $"{iface.ToDisplayString(IdFormat)}.{method.Name}({string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(IdFormat)))})";

        return new MethodModel(
            iface.ToDisplayString(TypeForTypeOf),
            iface.Name,
            method.Name,
            id,
            kind,
            method.ReturnType.ToDisplayString(TypeWithNullability),
            resultType,
            resultTypeOf,
            options.Count == 0 ? "global::AiOs.Invocation.GrainMethodOptions.None" : string.Join(" | ", options),
            new EquatableArray<ParameterModel>(parameters));
    }

    private static void Emit(SourceProductionContext context, IReadOnlyList<InterfaceModel> interfaces, string assemblyName)
    {
        var ns = "AiOsGenerated." + Sanitize(assemblyName);
        var emitted = new List<(InterfaceModel Model, string Proxy, List<string> Requests)>();
        foreach (var model in interfaces.GroupBy(m => m.MetadataName).Select(g => g.First()).OrderBy(m => m.MetadataName, System.StringComparer.Ordinal))
        {
            foreach (var d in model.Diagnostics)
            {
                context.ReportDiagnostic(ToDiagnostic(d));
            }

            if (model.Diagnostics.Count > 0)
            {
                continue;
            }

            var (source, proxy, requests) = WriteInterface(ns, model);
            context.AddSource(model.SafeName + ".g.cs", SourceText.From(source, Encoding.UTF8));
            emitted.Add((model, proxy, requests));
        }

        if (emitted.Count > 0)
        {
            context.AddSource("GrainProxyProvider.g.cs", SourceText.From(WriteProvider(ns, emitted), Encoding.UTF8));
        }
    }

    private static (string Source, string Proxy, List<string> Requests) WriteInterface(string ns, InterfaceModel model)
    {
        var proxy = "Proxy_" + model.SafeName;
        var requests = new List<string>();
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated by AiOs.CodeGenerator />");
        sb.AppendLine("#nullable enable");
        sb.AppendLine("#pragma warning disable CS0612, CS0618, CS1591");
        sb.AppendLine($"namespace {ns};");
        sb.AppendLine();
        sb.AppendLine("[global::System.CodeDom.Compiler.GeneratedCode(\"AiOs.CodeGenerator\", \"1.0\")]");
        sb.AppendLine($"internal sealed class {proxy} : global::AiOs.Invocation.GrainReference, {model.FullyQualifiedName}");
        sb.AppendLine("{");
        sb.AppendLine($"    public {proxy}(global::AiOs.Invocation.IGrainCallInvoker invoker, global::AiOs.GrainId grainId) : base(invoker, grainId) {{ }}");
        sb.AppendLine();
        sb.AppendLine($"    public override global::System.Type InterfaceType => typeof({model.FullyQualifiedName});");
        for (var i = 0; i < model.Methods.Count; i++)
        {
            var m = model.Methods[i];
            var request = $"Request_{model.SafeName}_{Sanitize(m.DeclaringInterfaceShortName)}_{m.Name}_{i}";
            requests.Add(request);
            var parameters = string.Join(", ", m.Parameters.Select(p => $"{p.Type} @{p.Name}"));
            sb.AppendLine();
            sb.AppendLine($"    {m.ReturnType} {m.DeclaringInterface}.{m.Name}({parameters})");
            sb.AppendLine("    {");

            // The local must not shadow a parameter of the same name (a method may well take a 'request').
            var local = "request";
            while (m.Parameters.Any(p => p.Name == local))
            {
                local = "_" + local;
            }

            sb.AppendLine($"        var {local} = new {request}();");
            for (var p = 0; p < m.Parameters.Count; p++)
            {
                sb.AppendLine($"        {local}.Arg{p} = @{m.Parameters[p].Name};");
            }

            sb.AppendLine($"        Send({local});");
            sb.AppendLine(m.ReturnKind switch
            {
                ReturnKind.Task => $"        return {local}.AsVoidTask();",
                ReturnKind.ValueTask => $"        return {local}.AsVoidValueTask();",
                ReturnKind.TaskOfT => $"        return {local}.AsTask();",
                _ => $"        return {local}.AsValueTask();",
            });
            sb.AppendLine("    }");
        }

        sb.AppendLine("}");
        for (var i = 0; i < model.Methods.Count; i++)
        {
            WriteRequest(sb, requests[i], model.Methods[i]);
        }

        return (sb.ToString(), proxy, requests);
    }

    private static void WriteRequest(StringBuilder sb, string name, MethodModel m)
    {
        var types = m.Parameters.Count == 0
            ? "global::System.Type.EmptyTypes"
            : "new global::System.Type[] { " + string.Join(", ", m.Parameters.Select(p => $"typeof({p.TypeOf})")) + " }";
        sb.AppendLine();
        sb.AppendLine("[global::System.CodeDom.Compiler.GeneratedCode(\"AiOs.CodeGenerator\", \"1.0\")]");
        sb.AppendLine($"internal sealed class {name} : global::AiOs.Invocation.GrainRequest<{m.ResultType}>");
        sb.AppendLine("{");
        sb.AppendLine("    public static readonly global::AiOs.Invocation.GrainMethodDescriptor Descriptor = new(");
        sb.AppendLine($"        typeof({m.DeclaringInterface}), \"{m.Name}\", \"{Escape(m.MethodId)}\", {m.Options},");
        sb.AppendLine($"        {types}, typeof({m.ResultTypeOf}), static () => new {name}());");
        for (var p = 0; p < m.Parameters.Count; p++)
        {
            sb.AppendLine($"    public {m.Parameters[p].Type} Arg{p} = default!;");
        }

        sb.AppendLine();
        sb.AppendLine("    public override global::AiOs.Invocation.GrainMethodDescriptor Method => Descriptor;");
        sb.AppendLine();
        sb.AppendLine("    public override object? GetArgument(int index) => index switch");
        sb.AppendLine("    {");
        for (var p = 0; p < m.Parameters.Count; p++)
        {
            sb.AppendLine($"        {p} => Arg{p},");
        }

        sb.AppendLine("        _ => throw new global::System.ArgumentOutOfRangeException(nameof(index)),");
        sb.AppendLine("    };");
        sb.AppendLine();
        sb.AppendLine("    public override void SetArgument(int index, object? value)");
        sb.AppendLine("    {");
        sb.AppendLine("        switch (index)");
        sb.AppendLine("        {");
        for (var p = 0; p < m.Parameters.Count; p++)
        {
            sb.AppendLine($"            case {p}: Arg{p} = ({m.Parameters[p].Type})value!; break;");
        }

        sb.AppendLine("            default: throw new global::System.ArgumentOutOfRangeException(nameof(index));");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine();
        var args = string.Join(", ", Enumerable.Range(0, m.Parameters.Count).Select(p => $"Arg{p}"));
        sb.AppendLine($"    public override global::System.Threading.Tasks.ValueTask InvokeAsync(object target) => Capture((({m.DeclaringInterface})target).{m.Name}({args}));");
        sb.AppendLine("}");
    }

    private static string WriteProvider(string ns, List<(InterfaceModel Model, string Proxy, List<string> Requests)> emitted)
    {
        var sb = new StringBuilder();
        sb.AppendLine("// <auto-generated by AiOs.CodeGenerator />");
        sb.AppendLine("#nullable enable");
        sb.AppendLine($"[assembly: global::AiOs.Invocation.GrainProxyProvider(typeof(global::{ns}.GrainProxyProvider))]");
        sb.AppendLine($"namespace {ns};");
        sb.AppendLine();
        sb.AppendLine("[global::System.CodeDom.Compiler.GeneratedCode(\"AiOs.CodeGenerator\", \"1.0\")]");
        sb.AppendLine("internal sealed class GrainProxyProvider : global::AiOs.Invocation.IGrainProxyProvider");
        sb.AppendLine("{");
        sb.AppendLine("    public global::System.Collections.Generic.IEnumerable<global::AiOs.Invocation.GrainInterfaceInfo> GetInterfaces()");
        sb.AppendLine("    {");
        foreach (var (model, proxy, requests) in emitted)
        {
            var descriptors = requests.Count == 0
                ? "global::System.Array.Empty<global::AiOs.Invocation.GrainMethodDescriptor>()"
                : "new global::AiOs.Invocation.GrainMethodDescriptor[] { " + string.Join(", ", requests.Select(r => r + ".Descriptor")) + " }";
            sb.AppendLine("        yield return new global::AiOs.Invocation.GrainInterfaceInfo(");
            sb.AppendLine($"            typeof({model.FullyQualifiedName}),");
            sb.AppendLine($"            static (invoker, id) => new {proxy}(invoker, id),");
            sb.AppendLine($"            {descriptors});");
        }

        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static bool IsAccessible(ISymbol symbol)
    {
        for (var s = symbol; s is INamedTypeSymbol; s = s.ContainingType)
        {
            if (s.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static DiagnosticInfo At(ISymbol symbol, string id, string message)
    {
        var location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
        {
            return new DiagnosticInfo(id, message, string.Empty, 0, 0, 0, 0, 0, 0);
        }

        var span = location.GetLineSpan();
        return new DiagnosticInfo(id, message, location.SourceTree!.FilePath, location.SourceSpan.Start, location.SourceSpan.Length,
            span.StartLinePosition.Line, span.StartLinePosition.Character, span.EndLinePosition.Line, span.EndLinePosition.Character);
    }

    private static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var descriptor = new DiagnosticDescriptor(info.Id, "Unsupported grain interface", "{0}", "AiOs.CodeGenerator", DiagnosticSeverity.Error, isEnabledByDefault: true);
        var location = info.FilePath.Length == 0
            ? Location.None
            : Location.Create(info.FilePath, new TextSpan(info.Start, info.Length),
                new LinePositionSpan(new LinePosition(info.Line, info.Column), new LinePosition(info.EndLine, info.EndColumn)));
        return Diagnostic.Create(descriptor, location, info.Message);
    }
}
