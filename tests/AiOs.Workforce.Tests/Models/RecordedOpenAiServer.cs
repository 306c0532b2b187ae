using AiOs.Testing;
using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AiOs.Workforce.Tests.Models;

/// <summary>A local HTTP server that answers each request with the next recorded OpenAI response (status, headers, body
/// file from Models/Recorded) and keeps every request body it received.</summary>
public sealed class RecordedOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(int Status, string File, (string, string)[] Headers)> _script = new();
    private readonly Task _serving;

    public RecordedOpenAiServer()
    {
        var port = LoopbackPorts.Free();
        BaseUri = new Uri($"http://127.0.0.1:{port}/v1/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<(string Path, string? Authorization, string Body)> Requests { get; } = new();

    public RecordedOpenAiServer Then(int status, string recordedFile, params (string Name, string Value)[] headers)
    {
        _script.Enqueue((status, recordedFile, headers));
        return this;
    }

    private async Task ServeAsync()
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

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], await reader.ReadToEndAsync()));
            var (status, file, headers) = _script.TryDequeue(out var next) ? next : (500, "invalid-request.json", []);
            var body = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Models", "Recorded", file));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
