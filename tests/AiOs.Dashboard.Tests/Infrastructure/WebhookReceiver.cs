using System.Collections.Concurrent;
using System.Net;
using AiOs.Testing;

namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>A real HTTP endpoint on loopback for the silo's webhook connector (which also carries email.send when no SMTP
/// server is set): it answers 200 and keeps each body, so an approved action has somewhere real to go.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/hook/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<string> Bodies { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                Bodies.Enqueue(await reader.ReadToEndAsync());
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
