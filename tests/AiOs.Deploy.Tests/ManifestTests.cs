using System.Globalization;

namespace AiOs.Deploy.Tests;

public sealed class ManifestTests
{
    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_MatchesKubernetesSchemas_WithNoUnknownFields(string overlay)
    {
        Manifests.Run("bash", [Path.Combine(Manifests.RepositoryRoot, "scripts", "lib", "deploy-tools.sh")]);
        var json = ToJson(Manifests.Render(overlay));
        var (exitCode, output) = Manifests.Run("node", [Path.Combine(Manifests.RepositoryRoot, "tests", "AiOs.Deploy.Tests", "schema", "validate.js")], json, check: false);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void SchemaCheck_MisspeltField_IsReported()
    {
        // The check above is only worth something if it fails on a field the API server would silently drop.
        Manifests.Run("bash", [Path.Combine(Manifests.RepositoryRoot, "scripts", "lib", "deploy-tools.sh")]);
        var json = ToJson(Manifests.Render("dev").Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal));
        var (exitCode, output) = Manifests.Run("node", [Path.Combine(Manifests.RepositoryRoot, "tests", "AiOs.Deploy.Tests", "schema", "validate.js")], json, check: false);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("unknown field Deployment.spec.template.spec.containers[0].readinesProbe", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_IsYamllintClean(string overlay)
    {
        Manifests.Run("bash", [Path.Combine(Manifests.RepositoryRoot, "scripts", "lib", "deploy-tools.sh")]);
        // kubectl writes sequences unindented, which yamllint's default indentation rule rejects; everything else is strict.
        var (exitCode, output) = Manifests.Run("yamllint", ["--strict", "-d", "{extends: default, rules: {document-start: disable, line-length: {max: 160}, indentation: {indent-sequences: whatever}}}", "-"],
            Manifests.Render(overlay), check: false);
        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void SiloDeployment_HasProbesLimitsAndHardenedSecurityContext(string overlay)
    {
        var deployment = Manifests.Single(overlay, "Deployment", "aios-silo");
        Assert.Equal("3", deployment["spec"] is Dictionary<object, object> spec ? (string)spec["replicas"] : null);
        var pod = Manifests.Map(deployment, "spec", "template", "spec");
        Assert.Equal("false", (string)pod["automountServiceAccountToken"]);
        var podSecurity = Manifests.Map(pod, "securityContext");
        Assert.Equal("true", (string)podSecurity["runAsNonRoot"]);
        Assert.NotEqual("0", (string)podSecurity["runAsUser"]);
        Assert.Equal("RuntimeDefault", (string)Manifests.Map(podSecurity, "seccompProfile")["type"]);

        var container = (Dictionary<object, object>)Manifests.List(pod, "containers").Single();
        Assert.Equal("/readyz", (string)Manifests.Map(container, "readinessProbe", "httpGet")["path"]);
        Assert.Equal("/healthz", (string)Manifests.Map(container, "livenessProbe", "httpGet")["path"]);
        Assert.Equal("/healthz", (string)Manifests.Map(container, "startupProbe", "httpGet")["path"]);
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.True(Manifests.Map(container, "resources", kind).ContainsKey("cpu"), kind + ".cpu");
            Assert.True(Manifests.Map(container, "resources", kind).ContainsKey("memory"), kind + ".memory");
        }

        var security = Manifests.Map(container, "securityContext");
        Assert.Equal("true", (string)security["readOnlyRootFilesystem"]);
        Assert.Equal("false", (string)security["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], Manifests.List(security, "capabilities", "drop").Cast<string>());
        var mounts = Manifests.List(container, "volumeMounts").Cast<Dictionary<object, object>>().Select(m => (string)m["mountPath"]).ToList();
        Assert.Contains("/var/lib/aios", mounts);
        Assert.Contains("/tmp", mounts);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void SiloDeployment_IdentityFromDownwardApi(string overlay)
    {
        var container = (Dictionary<object, object>)Manifests.List(Manifests.Single(overlay, "Deployment", "aios-silo"), "spec", "template", "spec", "containers").Single();
        var env = Manifests.List(container, "env").Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
        Assert.Equal("metadata.name", (string)Manifests.Map(env["AiOs__Silo__SiloId"], "valueFrom", "fieldRef")["fieldPath"]);
        Assert.Equal("status.podIP", (string)Manifests.Map(env["AiOs__Cluster__AdvertisedHost"], "valueFrom", "fieldRef")["fieldPath"]);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void GracePeriod_IsLongerThanPreStopDrainAndHandOff(string overlay)
    {
        var pod = Manifests.Map(Manifests.Single(overlay, "Deployment", "aios-silo"), "spec", "template", "spec");
        var config = Manifests.Map(Manifests.Single(overlay, "ConfigMap", "aios-config"), "data");
        var container = (Dictionary<object, object>)Manifests.List(pod, "containers").Single();
        var preStop = Manifests.List(container, "lifecycle", "preStop", "exec", "command").Cast<string>().ToList();
        Assert.Equal("sleep", preStop[0]);
        var needed = double.Parse(preStop[1], CultureInfo.InvariantCulture)
            + TimeSpan.Parse((string)config["AiOs__Collection__DeactivationTimeout"], CultureInfo.InvariantCulture).TotalSeconds
            + TimeSpan.Parse((string)config["AiOs__Cluster__HandOffTimeout"], CultureInfo.InvariantCulture).TotalSeconds;
        Assert.True(double.Parse((string)pod["terminationGracePeriodSeconds"], CultureInfo.InvariantCulture) > needed, $"grace period must exceed {needed} s");
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_HasPdbHpaServicesAndNetworkPolicy(string overlay)
    {
        Assert.Equal("1", (string)Manifests.Map(Manifests.Single(overlay, "PodDisruptionBudget", "aios-silo"), "spec")["maxUnavailable"]);
        Assert.Equal("cpu", (string)Manifests.Map((Dictionary<object, object>)Manifests.List(Manifests.Single(overlay, "HorizontalPodAutoscaler", "aios-silo"), "spec", "metrics")[0], "resource")["name"]);
        Assert.Equal("None", (string)Manifests.Map(Manifests.Single(overlay, "Service", "aios-silo-peers"), "spec")["clusterIP"]);
        Assert.Equal("ClusterIP", (string)Manifests.Map(Manifests.Single(overlay, "Service", "aios"), "spec")["type"]);
        Assert.Contains(Manifests.Objects(overlay), o => (string)o["kind"] == "NetworkPolicy" && (string)Manifests.Map(o, "metadata")["name"] == "aios-silo-to-postgres");
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_PinsImages_AndInlinesNoSecret(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var images = rendered.Split('\n').Where(l => l.TrimStart().StartsWith("image:", StringComparison.Ordinal)).Select(l => l.Split("image:")[1].Trim()).ToList();
        Assert.NotEmpty(images);
        Assert.All(images, i => Assert.Matches(@"^[^:@\s]+(:[0-9][\w.-]*)$", i));
        Assert.DoesNotContain(images, i => i.EndsWith(":latest", StringComparison.Ordinal));

        var objects = Manifests.Objects(overlay);
        Assert.DoesNotContain(objects, o => (string)o["kind"] == "Secret");
        // Secret settings reach the silo as files (NAME_FILE) or secretKeyRef, never as a literal value.
        var container = (Dictionary<object, object>)Manifests.List(Manifests.Single(overlay, "Deployment", "aios-silo"), "spec", "template", "spec", "containers").Single();
        foreach (var e in Manifests.List(container, "env").Cast<Dictionary<object, object>>())
        {
            var name = (string)e["name"];
            if (name is "AiOs__Cluster__Secret" or "PGPASSWORD" or "AiOs__Api__CertificatePassword" || name.EndsWith("ApiKey", StringComparison.Ordinal))
            {
                Assert.False(e.ContainsKey("value"), name + " is inlined");
            }
        }

        Assert.DoesNotContain("Password=", rendered, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void ApiPort_ListensOnThePodAddress_AtTheContainersGrpcPort(string overlay)
    {
        var config = Manifests.Map(Manifests.Single(overlay, "ConfigMap", "aios-config"), "data");
        var container = (Dictionary<object, object>)Manifests.List(Manifests.Single(overlay, "Deployment", "aios-silo"), "spec", "template", "spec", "containers").Single();
        var grpc = Manifests.List(container, "ports").Cast<Dictionary<object, object>>().Single(p => (string)p["name"] == "grpc");
        Assert.Equal("0.0.0.0", (string)config["AiOs__Api__Address"]);
        Assert.Equal((string)grpc["containerPort"], (string)config["AiOs__Api__Port"]);
    }

    [Fact]
    public void Prod_ServesTheApiOverTls_FromAMountedSecret_AndNeverInClear()
    {
        var config = Manifests.Map(Manifests.Single("prod", "ConfigMap", "aios-config"), "data");
        var pod = Manifests.Map(Manifests.Single("prod", "Deployment", "aios-silo"), "spec", "template", "spec");
        var container = (Dictionary<object, object>)Manifests.List(pod, "containers").Single();
        var env = Manifests.List(container, "env").Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
        Assert.False(config.ContainsKey("AiOs__Api__AllowInsecureRemote"), "prod must not allow the API in clear");
        Assert.DoesNotContain("AiOs__Api__AllowInsecureRemote", env.Keys);

        // Both files lie in a volume that is the aios-api-tls Secret, mounted read-only.
        var volumes = Manifests.List(pod, "volumes").Cast<Dictionary<object, object>>().ToDictionary(v => (string)v["name"]);
        foreach (var setting in new[] { "AiOs__Api__CertificatePath", "AiOs__Api__CertificateKeyPath" })
        {
            var path = (string)env[setting]["value"];
            var mount = Manifests.List(container, "volumeMounts").Cast<Dictionary<object, object>>()
                .Single(m => path.StartsWith((string)m["mountPath"] + "/", StringComparison.Ordinal));
            Assert.Equal("true", (string)mount["readOnly"]);
            Assert.Equal("aios-api-tls", (string)Manifests.Map(volumes[(string)mount["name"]], "secret")["secretName"]);
        }

        var service = Manifests.List(Manifests.Single("prod", "Service", "aios"), "spec", "ports").Cast<Dictionary<object, object>>().Single(p => (string)p["name"] == "grpc");
        Assert.Equal("https", (string)service["appProtocol"]);
    }

    [Fact]
    public void Dev_ServesTheApiInClear_AndSaysSoToTheService()
    {
        Assert.Equal("true", (string)Manifests.Map(Manifests.Single("dev", "ConfigMap", "aios-config"), "data")["AiOs__Api__AllowInsecureRemote"]);
        var service = Manifests.List(Manifests.Single("dev", "Service", "aios"), "spec", "ports").Cast<Dictionary<object, object>>().Single(p => (string)p["name"] == "grpc");
        Assert.Equal("kubernetes.io/h2c", (string)service["appProtocol"]);
    }

    // YAML to JSON with YAML's own typing (a quoted "5" stays a string): PyYAML comes with yamllint, which
    // deploy-tools.sh installs.
    private static string ToJson(string yaml) =>
        Manifests.Run("python3", ["-c", "import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))"], yaml).Output;
}
