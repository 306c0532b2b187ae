using System.Collections.Concurrent;
using System.Reflection;
using AiOs.Runtime.Grains;
using AiOs.Runtime.State;

namespace AiOs.Runtime.Activation;

/// <summary>Constructs grain instances: each constructor parameter comes from the silo's services, except parameters
/// marked <see cref="PersistentStateAttribute"/>, which get a persistent state bound to the activation, and
/// <see cref="IGrainContext"/>, which gets the activation itself. The constructor plan is worked out once per class.</summary>
internal sealed class GrainActivator(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<Type, ConstructorPlan> _plans = new();

    public (object Grain, IReadOnlyList<IPersistentStateLoader> States) Create(ActivationData activation)
    {
        var plan = _plans.GetOrAdd(activation.ClassInfo.GrainClass, static (type, info) => ConstructorPlan.For(type, info), activation.ClassInfo);
        var states = new List<IPersistentStateLoader>();
        var arguments = new object?[plan.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = plan.Parameters[i];
            if (parameter.State is { } state)
            {
                var loader = PersistentStateFactory.Create(state.StateType, activation, runtime, state.StateName, state.StorageName);
                states.Add(loader);
                arguments[i] = loader;
            }
            else if (parameter.Type == typeof(IGrainContext))
            {
                arguments[i] = activation;
            }
            else
            {
                arguments[i] = runtime.Services.GetService(parameter.Type) ?? throw new InvalidOperationException(
                    $"Cannot construct {activation.ClassInfo.GrainClass.Name}: constructor parameter '{parameter.Name}' of type " +
                    $"{parameter.Type.Name} is not a registered service.");
            }
        }

        using (Grain.BeginConstruction(activation))
        {
            try
            {
                return (plan.Constructor.Invoke(arguments), states);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                throw exception.InnerException;
            }
        }
    }

    private sealed record ParameterPlan(string Name, Type Type, StatePlan? State);

    private sealed record StatePlan(Type StateType, string StateName, string StorageName);

    private sealed record ConstructorPlan(ConstructorInfo Constructor, ParameterPlan[] Parameters)
    {
        public static ConstructorPlan For(Type grainClass, GrainClassInfo info)
        {
            var constructor = grainClass.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                ?? throw new InvalidOperationException($"Grain class {grainClass.FullName} has no public constructor.");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var parameters = constructor.GetParameters().Select(p =>
            {
                var attribute = p.GetCustomAttribute<PersistentStateAttribute>();
                if (attribute is null)
                {
                    return new ParameterPlan(p.Name!, p.ParameterType, null);
                }

                if (!p.ParameterType.IsGenericType || p.ParameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    throw new InvalidOperationException(
                        $"{grainClass.Name}: parameter '{p.Name}' has [PersistentState] but is a {p.ParameterType.Name}, not an IPersistentState<T>.");
                }

                if (string.IsNullOrWhiteSpace(attribute.StateName) || !names.Add(attribute.StateName))
                {
                    throw new InvalidOperationException(
                        $"{grainClass.Name}: state names must be non-empty and unique within a grain ('{attribute.StateName}').");
                }

                return new ParameterPlan(p.Name!, p.ParameterType, new StatePlan(p.ParameterType.GetGenericArguments()[0], attribute.StateName, attribute.StorageName));
            }).ToArray();
            _ = info;
            return new ConstructorPlan(constructor, parameters);
        }
    }
}
