using AiOs.Testing;
using System.Collections.Concurrent;
using System.Net;

namespace AiOs.Workforce.ProcessTests;

/// <summary>A webhook receiver on loopback that records every request's <c>Idempotency-Key</c>. It holds its answer to
/// the first request until <see cref="ReleaseFirst"/>, so that a test can kill the sender while the call is in flight.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource _firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public WebhookReceiver()
    {
        var port = LoopbackPorts.Free();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Url { get; }

    /// <summary>The idempotency key of every request received, in arrival order.</summary>
    public ConcurrentQueue<string> Keys { get; } = new();

    /// <summary>Completes when the first request has arrived (and is being held).</summary>
    public Task FirstArrived => _firstArrived.Task;

    public void ReleaseFirst() => _releaseFirst.TrySetResult();

    public void Dispose()
    {
        _releaseFirst.TrySetResult();
        _listener.Close();
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Keys.Enqueue(context.Request.Headers["Idempotency-Key"] ?? "(none)");
        if (Interlocked.Increment(ref _count) == 1)
        {
            _firstArrived.TrySetResult();
            await _releaseFirst.Task;
        }

        try
        {
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The sender was killed while its request was held: nobody is left to answer.
        }
    }
}
