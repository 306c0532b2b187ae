using System.Collections.Concurrent;
using System.Reflection;

namespace AiOs.Invocation;

/// <summary>What the code generator emitted for one grain interface.</summary>
/// <param name="InterfaceType">The grain interface.</param>
/// <param name="CreateProxy">Creates a proxy implementing the interface.</param>
/// <param name="Methods">Every method of the interface, inherited ones included.</param>
public sealed record GrainInterfaceInfo(
    Type InterfaceType,
    Func<IGrainCallInvoker, GrainId, GrainReference> CreateProxy,
    IReadOnlyList<GrainMethodDescriptor> Methods);

/// <summary>Implemented by the generated class that lists an assembly's grain interfaces.</summary>
public interface IGrainProxyProvider
{
    /// <summary>The generated interfaces of the assembly.</summary>
    IEnumerable<GrainInterfaceInfo> GetInterfaces();
}

/// <summary>Names the assembly's <see cref="IGrainProxyProvider"/>; written by the code generator.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class GrainProxyProviderAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}

/// <summary>Finds the generated proxy and method descriptors of grain interfaces. Assemblies are read lazily, on the first
/// use of one of their interfaces, through their <see cref="GrainProxyProviderAttribute"/>.</summary>
public static class GrainInterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceInfo> Interfaces = new();
    private static readonly ConcurrentDictionary<string, GrainMethodDescriptor> MethodsById = new(StringComparer.Ordinal);
    private static readonly HashSet<Assembly> LoadedAssemblies = [];
    private static readonly Lock LoadLock = new();

    /// <summary>The generated code of <paramref name="interfaceType"/>.</summary>
    /// <exception cref="InvalidOperationException">No proxy was generated for the interface.</exception>
    public static GrainInterfaceInfo Get(Type interfaceType)
    {
        if (Interfaces.TryGetValue(interfaceType, out var info))
        {
            return info;
        }

        Load(interfaceType.Assembly);
        return Interfaces.TryGetValue(interfaceType, out info)
            ? info
            : throw new InvalidOperationException(
                $"No grain proxy was generated for {interfaceType.FullName}. A grain interface must derive from " +
                $"IGrainWithStringKey, IGrainWithGuidKey or IGrainWithIntegerKey, be accessible to its assembly, and " +
                $"its project must set <AiOsCodeGen>true</AiOsCodeGen> so that the AiOs code generator runs.");
    }

    /// <summary>Finds a method by its <see cref="GrainMethodDescriptor.MethodId"/>, loading <paramref name="interfaceAssembly"/> if needed.</summary>
    public static GrainMethodDescriptor? FindMethod(string methodId, Assembly? interfaceAssembly = null)
    {
        if (MethodsById.TryGetValue(methodId, out var method))
        {
            return method;
        }

        if (interfaceAssembly is not null)
        {
            Load(interfaceAssembly);
        }

        return MethodsById.GetValueOrDefault(methodId);
    }

    /// <summary>Reads the generated interfaces of <paramref name="assembly"/>, once.</summary>
    public static void Load(Assembly assembly)
    {
        // Under a lock, and marked loaded only once populated, so that a concurrent reader never sees a half-read assembly.
        lock (LoadLock)
        {
            if (LoadedAssemblies.Contains(assembly))
            {
                return;
            }

            Populate(assembly);
            LoadedAssemblies.Add(assembly);
        }
    }

    private static void Populate(Assembly assembly)
    {
        foreach (var attribute in assembly.GetCustomAttributes<GrainProxyProviderAttribute>())
        {
            var provider = (IGrainProxyProvider)Activator.CreateInstance(attribute.ProviderType)!;
            foreach (var info in provider.GetInterfaces())
            {
                Interfaces.TryAdd(info.InterfaceType, info);
                foreach (var method in info.Methods)
                {
                    // An inherited method appears in each derived interface's list; all describe the same call.
                    MethodsById.TryAdd(method.MethodId, method);
                }
            }
        }
    }
}
