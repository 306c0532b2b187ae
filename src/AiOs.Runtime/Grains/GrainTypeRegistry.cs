using System.Reflection;

namespace AiOs.Runtime.Grains;

/// <summary>The grain classes this silo can activate, by type name and by the interfaces they implement.</summary>
internal sealed class GrainTypeRegistry
{
    private static readonly HashSet<Type> Markers =
    [
        typeof(IGrain), typeof(IGrainWithStringKey), typeof(IGrainWithGuidKey), typeof(IGrainWithIntegerKey), typeof(IRemindable),
    ];

    private readonly Dictionary<string, GrainClassInfo> _byTypeName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, List<GrainClassInfo>> _byInterface = [];

    public GrainTypeRegistry(IEnumerable<GrainAssembly> assemblies, IEnumerable<GrainClass> classes)
    {
        // Assembly scanning registers public grain classes; AddGrain<T>() registers any class explicitly.
        var types = assemblies.SelectMany(a => a.Assembly.GetTypes()).Where(t => t.IsVisible)
            .Concat(classes.Select(c => c.Type))
            .Where(IsGrainClass)
            .Distinct();
        foreach (var type in types)
        {
            var info = new GrainClassInfo(type);
            if (_byTypeName.TryGetValue(info.TypeName, out var existing))
            {
                throw new InvalidOperationException(
                    $"Grain classes {existing.GrainClass.FullName} and {type.FullName} both have the grain type name '{info.TypeName}'. " +
                    "Give one of them a [GrainType(\"...\")] attribute with a different name.");
            }

            _byTypeName.Add(info.TypeName, info);
            foreach (var iface in info.Interfaces)
            {
                if (!_byInterface.TryGetValue(iface, out var list))
                {
                    _byInterface[iface] = list = [];
                }

                list.Add(info);
            }
        }
    }

    /// <summary>All registered grain classes.</summary>
    public IEnumerable<GrainClassInfo> Classes => _byTypeName.Values;

    /// <summary>True for IGrain, the key-kind markers and IRemindable, which address no particular grain class.</summary>
    public static bool IsMarker(Type type) => Markers.Contains(type);

    /// <summary>The class registered under <paramref name="typeName"/>, or null.</summary>
    public GrainClassInfo? Find(string typeName) => _byTypeName.GetValueOrDefault(typeName);

    /// <summary>The grain type name of the one class implementing <paramref name="grainInterface"/>.</summary>
    public string ResolveTypeName(Type grainInterface)
    {
        if (!_byInterface.TryGetValue(grainInterface, out var candidates) || candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"No grain class implements {grainInterface.FullName}. Register the assembly that contains its " +
                "implementation with AddGrains(assembly).");
        }

        if (candidates.Count > 1)
        {
            throw new InvalidOperationException(
                $"{grainInterface.FullName} is implemented by several grain classes ({string.Join(", ", candidates)}); " +
                "address the grain with GetGrain<T>(new GrainId(typeName, key)).");
        }

        return candidates[0].TypeName;
    }

    private static bool IsGrainClass(Type type) =>
        type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } &&
        type.IsSubclassOf(typeof(Grain)) &&
        type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null;
}

/// <summary>An assembly whose grain classes the silo registers.</summary>
public sealed record GrainAssembly(Assembly Assembly);

/// <summary>A grain class the silo registers.</summary>
public sealed record GrainClass(Type Type);
