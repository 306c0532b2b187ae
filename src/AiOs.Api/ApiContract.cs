using AiOs.Api.V1;
using Google.Protobuf.Reflection;

namespace AiOs.Api;

/// <summary>The files of the aios.v1 contract, and for each service whose backing has not landed yet, why it answers
/// UNIMPLEMENTED.</summary>
public static class ApiContract
{
    /// <summary>Every file of package aios.v1 (each with its dependencies reachable from it).</summary>
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        AccessReflection.Descriptor,
        CommonReflection.Descriptor,
        HealthReflection.Descriptor,
        ApiKeysReflection.Descriptor,
        ClusterReflection.Descriptor,
        EventsReflection.Descriptor,
        GoalsReflection.Descriptor,
        TasksReflection.Descriptor,
        ApprovalsReflection.Descriptor,
        EntitiesReflection.Descriptor,
        AgentRolesReflection.Descriptor,
        MemoryReflection.Descriptor,
        SchedulesReflection.Descriptor,
        PoliciesReflection.Descriptor,
        SpendReflection.Descriptor,
    ];

    /// <summary>Every service of aios.v1.</summary>
    public static IEnumerable<ServiceDescriptor> Services => Files.SelectMany(f => f.Services);

    /// <summary>Why a service without an implementation answers UNIMPLEMENTED: the issue that brings its backing.</summary>
    public static string PendingReason(ServiceDescriptor service) => service.Name switch
    {
        "Memory" => "this silo has no memory service (the host adds it with AddAiOsMemory)",
        _ => "this silo does not serve it (no implementation is registered)",
    };
}
