using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Testing;

namespace AiOs.Deploy.Tests.Pods;

/// <summary>The silo Deployment of the prod overlay played out on this machine: each pod a silo process started through
/// the image's entrypoint with exactly the environment the rendered manifests give its container (pod name and IP from
/// the downward API, the pod IP a loopback address of its own, the ConfigMap, Secrets as files), then a rolling update
/// as the Deployment's strategy makes it (maxSurge 1, maxUnavailable 0: a new pod ready, then SIGTERM to an old one),
/// under load. The silo program is the cluster test host: the service's own composition (AddAiOs, MapAiOs, RunAiOsAsync)
/// plus a counter grain and an HTTP door for the load, since the service itself has no API method that calls a grain yet.</summary>
public sealed class RollingUpdateTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Overlay = "prod";
    private readonly TempDirectory _pods = new("aios-pods");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private ProcessCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = new ProcessCluster(database, output);
        await _cluster.PrepareAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _http.Dispose();
        _pods.Dispose();
    }

    [Fact]
    public async Task RollingUpdate_OfPodsWithTheRenderedEnvironment_UnderLoad_FailsNoCall_AndEachSiloHandsOffWithinHandOffTimeout()
    {
        var objects = Manifests.Objects(Overlay);
        var deployment = objects.Single(o => (string)o["kind"] == "Deployment" && (string)Manifests.Map(o, "metadata")["name"] == "aios-silo");
        var spec = Manifests.Map(deployment, "spec");
        var strategy = Manifests.Map(spec, "strategy", "rollingUpdate");
        Assert.Equal(("1", "0"), ((string)strategy["maxSurge"], (string)strategy["maxUnavailable"])); // the order of steps below
        var replicas = int.Parse((string)spec["replicas"], CultureInfo.InvariantCulture);
        var pod = Manifests.Map(spec, "template", "spec");
        var container = (Dictionary<object, object>)Manifests.List(pod, "containers").Single();
        var config = Manifests.Map(objects.Single(o => (string)o["kind"] == "ConfigMap"), "data");
        var handOffTimeout = TimeSpan.Parse((string)config["AiOs__Cluster__HandOffTimeout"], CultureInfo.InvariantCulture);
        var preStop = TimeSpan.FromSeconds(double.Parse(Manifests.List(container, "lifecycle", "preStop", "exec", "command").Cast<string>().Last(), CultureInfo.InvariantCulture));
        var grace = TimeSpan.FromSeconds(double.Parse((string)pod["terminationGracePeriodSeconds"], CultureInfo.InvariantCulture));
        var readiness = (string)Manifests.Map(container, "readinessProbe", "httpGet")["path"];

        using var tls = SelfSignedCertificate(Enumerable.Range(2, 2 * replicas).Select(i => $"127.0.0.{i}"));
        var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["aios-cluster"] = new Dictionary<string, string> { ["cluster-secret"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) },
            // Sized for several silos on the test server: each has the storage pool and the test grain's own.
            ["aios-db"] = new Dictionary<string, string> { ["connection-string"] = database.ConnectionString + ";Maximum Pool Size=20" },
            ["aios-api-tls"] = new Dictionary<string, string> { ["tls.crt"] = tls.ExportCertificatePem(), ["tls.key"] = tls.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() },
        };

        PodEnvironment Pod(string name, string ip)
        {
            var environment = PodEnvironment.Create(deployment, objects, secrets, name, ip, Path.Combine(_pods.Path, name));
            // The one setting that differs from the manifests: this test's own schema on the shared test server.
            environment.Variables["AiOs__Storage__PostgreSql__Schema"] = _cluster.Schema;
            return environment;
        }

        var clock = Stopwatch.StartNew();
        var old = Enumerable.Range(0, replicas).Select(i => Pod($"aios-silo-6d8f7b9c5-{i}", $"127.0.0.{2 + i}")).ToList();
        await Task.WhenAll(old.Select(StartAsync));
        await Task.WhenAll(old.Select(p => WaitReadyAsync(p, readiness)));
        await _cluster.WaitUntilBalancedAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {replicas} pods ready and balanced");

        // A steady load from a few concurrent callers: enough to have calls in flight at every step, little enough to
        // leave the two cores of a loaded CI machine to the silos.
        var load = new CounterLoad(_cluster, grains: 400, workers: 6);
        load.Start();

        var measured = new List<(string Pod, int Partitions, TimeSpan HandOff, TimeSpan Exit)>();
        var replacements = Enumerable.Range(0, replicas).Select(i => Pod($"aios-silo-84c5d6f7b-{i}", $"127.0.0.{2 + replicas + i}")).ToList();
        // maxSurge 1: a new pod first...
        var surge = StartReadyAsync(replacements[0], readiness);
        await Eventually.WaitUntilAsync(() => load.Acknowledged.All(n => n >= 1), "every grain incremented once", TimeSpan.FromSeconds(60));
        for (var i = 0; i < replicas; i++)
        {
            await surge;
            await AssertApiServesOverTlsAsync(replacements[i], tls);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {replacements[i].Name} ready, its API answering over TLS");

            // ...and once it is ready, maxUnavailable 0 lets an old one go. The load keeps calling the old pod until it
            // exits: harsher than a Service, which stops routing to a terminating pod.
            var stopping = old[i].Name;
            var held = (await database.QueryAsync(
                $"SELECT partition FROM aios_partition_leases WHERE split_part(owner, '@', 1) = '{stopping}'", _cluster.Schema)).Select(p => (int)p!).ToArray();
            var signalled = Stopwatch.StartNew();
            var handOff = Task.Run(async () =>
            {
                await Eventually.WaitUntilAsync(
                    async () => (long)(await database.QueryAsync(
                        $"SELECT count(*) FROM aios_partition_leases WHERE partition IN ({string.Join(',', held.Append(-1))}) " +
                        $"AND (owner IS NULL OR expires_at <= now() OR split_part(owner, '@', 1) = '{stopping}')",
                        _cluster.Schema))[0]! == 0,
                    $"every partition {stopping} held leased by another silo",
                    grace);
                return signalled.Elapsed;
            });
            _cluster.Process(stopping).Terminate();
            // A terminating pod no longer counts against maxSurge: the Deployment starts the next new pod at once.
            surge = i + 1 < replicas ? StartReadyAsync(replacements[i + 1], readiness) : Task.CompletedTask;

            // The kubelet kills the container when the grace period (which the preStop hook already used) runs out.
            Assert.Equal(0, await _cluster.Process(stopping).WaitForExitAsync(grace - preStop));
            measured.Add((stopping, held.Length, await handOff, signalled.Elapsed));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s, measured: the {held.Length} partitions of {stopping} all held by other silos " +
                $"{measured[^1].HandOff.TotalSeconds:F1} s after SIGTERM; it exited after {measured[^1].Exit.TotalSeconds:F1} s");

            var before = load.Acknowledged.Sum();
            await Eventually.WaitUntilAsync(() => load.Acknowledged.Sum() >= before + 200, $"the load goes on after {stopping} stopped", TimeSpan.FromSeconds(30));
        }

        await _cluster.WaitUntilBalancedAsync();
        await load.StopAsync();
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} calls failed, e.g.:\n" + string.Join("\n", load.Failures.Take(5)));
        for (var grain = 0; grain < load.Grains; grain++)
        {
            Assert.Equal(load.Acknowledged[grain], await load.ReadAsync(grain, TestContext.Current.CancellationToken));
        }

        output.WriteLine($"{load.Acknowledged.Sum()} increments acknowledged, none failed, across the rolling update of {replicas} pods");
        Assert.All(measured, m => Assert.True(m.Partitions > 0, $"{m.Pod} held no partition when stopped"));
        Assert.All(measured, m => Assert.True(m.HandOff <= handOffTimeout, $"{m.Pod} took {m.HandOff.TotalSeconds:F1} s to hand off (AiOs:Cluster:HandOffTimeout {handOffTimeout})"));
    }

    /// <summary>Runs the pod's container: the image's entrypoint (which reads the NAME_FILE secrets and execs the
    /// service, so that SIGTERM reaches the silo itself) with the silo program in place of the image's.</summary>
    private Task StartAsync(PodEnvironment pod) =>
        _cluster.StartAsync(pod.Name, () => ServiceProcess.StartCommand(
            Path.Combine(Manifests.RepositoryRoot, "deploy", "aios-entrypoint.sh"),
            ["dotnet", ProcessCluster.TestHostPath],
            AppContext.BaseDirectory,
            pod.ForProcess(),
            output,
            pod.Name));

    private async Task StartReadyAsync(PodEnvironment pod, string readiness)
    {
        await StartAsync(pod);
        await WaitReadyAsync(pod, readiness);
    }

    /// <summary>The readiness probe, as the kubelet sends it: the probe's path on the pod IP and the named container port.</summary>
    private Task WaitReadyAsync(PodEnvironment pod, string path) =>
        Eventually.WaitUntilAsync(
            async () =>
            {
                try
                {
                    using var response = await _http.GetAsync(new Uri($"http://{pod.Ip}:{pod.Ports["http"]}{path}"));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // refused or no answer in time: not ready yet, as for the kubelet
                }
            },
            $"{pod.Name} ready ({path})",
            TimeSpan.FromSeconds(60));

    /// <summary>The gRPC API answers on the pod IP and the container's grpc port, over TLS with the certificate from the
    /// mounted Secret (checked against it, name included).</summary>
    private static async Task AssertApiServesOverTlsAsync(PodEnvironment pod, X509Certificate2 certificate)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(certificate);
        using var client = new AiOsClient(new AiOsClientOptions { Endpoint = new Uri($"https://{pod.Ip}:{pod.Ports["grpc"]}"), Handler = handler });
        Assert.Equal(ServingStatus.Serving, (await client.GetHealthAsync()).Status);
    }

    /// <summary>A certificate for the pods' addresses, standing in for the one an operator puts in the aios-api-tls Secret.</summary>
    private static X509Certificate2 SelfSignedCertificate(IEnumerable<string> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=aios", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            names.AddIpAddress(IPAddress.Parse(address));
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }
}
