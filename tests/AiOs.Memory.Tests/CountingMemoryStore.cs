using System.Reflection;
using AiOs.Persistence.Memory;

namespace AiOs.Memory.Tests;

/// <summary>A real memory store seen through a proxy that counts its full-text searches.</summary>
public class CountingMemoryStore : DispatchProxy
{
    private IMemoryStore _inner = null!;
    private int _textSearches;

    public int TextSearches => Volatile.Read(ref _textSearches);

    public static CountingMemoryStore Over(IMemoryStore inner)
    {
        var proxy = Create<IMemoryStore, CountingMemoryStore>();
        var counting = (CountingMemoryStore)(object)proxy;
        counting._inner = inner;
        return counting;
    }

    /// <summary>This proxy as the store it stands for.</summary>
    public IMemoryStore AsStore => (IMemoryStore)(object)this;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IMemoryStore.SearchTextAsync))
        {
            Interlocked.Increment(ref _textSearches);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }
}
