using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using AiOs.Runtime;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Placement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace AiOs.Cluster.Transport;

/// <summary>The receiving side of silo-to-silo streams: an HTTP/2 endpoint on the silo port. A peer must present the
/// cluster secret. Each call frame becomes a local message; its outcome goes back on the response stream, batched into
/// one write when several are ready. A call for a partition this silo does not own (any more) is not run: the sender is
/// told to route it again. A stream this side ends normally has answered every call it read, so the sender may route the
/// unanswered ones again; when that cannot be promised, the stream is aborted instead.</summary>
internal sealed class ClusterEndpoint(SiloRuntime runtime, ClusterTransport transport, Func<int> port, ILogger logger)
{
    private readonly CancellationTokenSource _closing = new();

    /// <summary>The path of the stream.</summary>
    public const string Path = "/aios/cluster/v1/calls";

    /// <summary>The header carrying the cluster secret.</summary>
    public const string SecretHeader = "x-aios-cluster-secret";

    /// <summary>The header naming the calling silo.</summary>
    public const string SiloHeader = "x-aios-silo";

    public async Task HandleAsync(HttpContext context)
    {
        if (context.Connection.LocalPort != port())
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            context.Response.StatusCode = StatusCodes.Status505HttpVersionNotsupported;
            return;
        }

        var from = context.Request.Headers[SiloHeader].ToString();
        if (!SecretMatches(context.Request.Headers[SecretHeader].ToString()))
        {
            Log.PeerRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", from);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // A silo-to-silo stream lives as long as the two silos do: no body size limit, no minimum data rate.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } responseRate)
        {
            responseRate.MinDataRate = null;
        }

        context.Response.ContentType = "application/vnd.aios.frames";
        // The answer tells the peer the stream is accepted; it writes no call before it (see FrameStreamContent). Kestrel
        // holds HTTP/2 response headers back until the first flush.
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        var outcomes = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var writing = WriteOutcomesAsync(outcomes.Reader, context);
        var inFlight = new InFlightCalls();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _closing.Token);
        try
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(reading.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (Frames.TryRead(ref buffer, out var kind, out var payload))
                {
                    if (kind == FrameKind.Call)
                    {
                        Receive(payload, from, outcomes.Writer, inFlight);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidDataException
                                              or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            Log.StreamEnded(logger, from, exception.Message);
        }

        // The peer stopped sending: answer what it already sent, then end the stream.
        var answeredAll = await inFlight.CloseAsync(runtime.CallOptions.ResponseTimeout, context.RequestAborted).ConfigureAwait(false);
        outcomes.Writer.TryComplete();
        await writing.ConfigureAwait(false);
        if (!answeredAll)
        {
            // Ending the stream normally promises the peer that every call it sent and got no answer for never ran here.
            // Some did run (or still run): abort, so that the peer reports them as outcome unknown instead.
            context.Abort();
        }
    }

    /// <summary>Ends every inbound stream once its running calls are answered: this silo has handed its partitions back
    /// and is leaving, and an open stream would hold the web server's shutdown until its timeout. Peers see the stream
    /// end and connect again wherever the partitions went.</summary>
    public void CloseStreams() => _closing.Cancel();

    private void Receive(ReadOnlySequence<byte> payload, string from, ChannelWriter<byte[]> outcomes, InFlightCalls inFlight)
    {
        IncomingCall call;
        try
        {
            call = transport.Codec.DecodeCall(payload);
        }
        catch (Exception exception) when (exception is InvalidDataException or System.Text.Json.JsonException or FormatException or KeyNotFoundException or ArgumentException)
        {
            if (WireCodec.TryReadCallId(payload) is { } id)
            {
                outcomes.TryWrite(transport.Codec.EncodeFailure(id, new InvalidOperationException($"This silo could not read the call: {exception.Message}")));
            }

            return;
        }

        var partition = PartitionHasher.GetPartition(call.Target, runtime.Ownership.PartitionCount);
        if (!runtime.Ownership.Owns(partition) || !runtime.IsRunning)
        {
            outcomes.TryWrite(transport.Codec.EncodeReroute(call.CallId, $"silo {transport.LocalSiloId} does not own partition {partition}"));
            return;
        }

        transport.Traffic.CountReceived();
        var sink = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new Message(call.Request, call.Target, runtime.Time.GetTimestamp() + ToTicks(call.Remaining), caller: null, call.Kind)
        {
            CompletionSink = sink,
            RemoteChain = call.Chain,
            FromSilo = from,
        };
        inFlight.Add();
        runtime.ReceiveForwarded(message);
        _ = sink.Task.ContinueWith(
            completed =>
            {
                outcomes.TryWrite(completed.IsCompletedSuccessfully
                    ? transport.Codec.EncodeResult(call.CallId, call.Request)
                    : transport.Codec.EncodeFailure(call.CallId, Unwrap(completed.Exception!)));
                inFlight.Done();
            },
            TaskScheduler.Default);
    }

    private static async Task WriteOutcomesAsync(ChannelReader<byte[]> outcomes, HttpContext context)
    {
        var writer = context.Response.BodyWriter;
        try
        {
            while (await outcomes.WaitToReadAsync().ConfigureAwait(false))
            {
                while (outcomes.TryRead(out var frame))
                {
                    writer.Write(frame);
                }

                var flushed = await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The peer went away; nothing more to tell it.
        }
    }

    private bool SecretMatches(string presented) =>
        presented.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(transport.Secret)));

    private long ToTicks(TimeSpan remaining) => (long)(remaining.TotalSeconds * runtime.Time.TimestampFrequency);

    private static Exception Unwrap(AggregateException exception) => exception.InnerExceptions.Count == 1 ? exception.InnerException! : exception;
}
