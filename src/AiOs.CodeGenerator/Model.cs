
namespace AiOs.CodeGenerator;

/// <summary>What the generator needs of one grain interface; plain data so that unchanged interfaces are not regenerated.</summary>
internal sealed record InterfaceModel(
    string FullyQualifiedName,
    string MetadataName,
    string SafeName,
    EquatableArray<MethodModel> Methods,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal sealed record MethodModel(
    string DeclaringInterface,
    string DeclaringInterfaceShortName,
    string Name,
    string MethodId,
    ReturnKind ReturnKind,
    string ReturnType,
    string ResultType,
    string ResultTypeOf,
    string Options,
    EquatableArray<ParameterModel> Parameters);

internal sealed record ParameterModel(string Name, string Type, string TypeOf);

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>A diagnostic to report, kept as data (locations are file path and span).</summary>
internal sealed record DiagnosticInfo(string Id, string Message, string FilePath, int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
;
