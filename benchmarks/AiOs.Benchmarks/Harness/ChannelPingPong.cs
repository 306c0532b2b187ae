using System.Threading.Channels;

namespace AiOs.Benchmarks.Harness;

/// <summary>The floor for a grain call: a raw request/response hand-off through <see cref="Channel{T}"/>s between a caller
/// and a server loop, the same two asynchronous hops a grain call makes (caller to grain, grain back to caller), with
/// none of the runtime's routing, turn rules, deadlines or filters.</summary>
public sealed class ChannelPingPong : IAsyncDisposable
{
    private readonly Channel<int> _requests = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<int> _responses = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _server;

    public ChannelPingPong()
    {
        _server = Task.Run(async () =>
        {
            await foreach (var request in _requests.Reader.ReadAllAsync())
            {
                _responses.Writer.TryWrite(request + 1);
            }

            _responses.Writer.Complete();
        });
    }

    public async ValueTask<int> PingAsync(int value)
    {
        _requests.Writer.TryWrite(value);
        return await _responses.Reader.ReadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.Complete();
        await _server;
    }
}
