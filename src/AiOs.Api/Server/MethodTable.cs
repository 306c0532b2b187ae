using System.Collections.Frozen;
using AiOs.Api.Reflection;

namespace AiOs.Api.Server;

/// <summary>Every method the server answers, by path: the bound implementations, plus UNIMPLEMENTED (with the reason) for
/// each method of the contract not bound yet.</summary>
internal sealed class MethodTable
{
    private readonly FrozenDictionary<string, ServerMethod> _methods;

    public MethodTable(IEnumerable<IGrpcService> services, ServerReflection reflection)
    {
        var binder = new ServiceBinder();
        foreach (var service in services)
        {
            service.Bind(binder);
        }

        reflection.Bind(binder);
        foreach (var service in ApiContract.Services)
        {
            foreach (var method in service.Methods)
            {
                var path = $"/{service.FullName}/{method.Name}";
                if (!binder.Methods.ContainsKey(path))
                {
                    binder.Methods[path] = new NotYetImplementedMethod(method, ApiContract.PendingReason(service));
                }
            }
        }

        _methods = binder.Methods.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string? path, out ServerMethod method)
    {
        method = null!;
        return path is not null && _methods.TryGetValue(path, out method!);
    }

}
