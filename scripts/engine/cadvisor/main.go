// cAdvisor v0.60.5 for the engine tests. Its main package lives in the module
// github.com/google/cadvisor/cmd, which the Go module proxy does not serve; the collection itself
// is the library of github.com/google/cadvisor v0.60.5, which it does. This main wires that library
// the way cmd/cadvisor.go (v0.60.5, lines 110-205) does, and serves what the program uses: the
// Prometheus endpoint as cmd/internal/http/handlers.go RegisterPrometheusHandler (99-123) builds
// it, and /healthz (cmd/internal/healthz). No web UI, no storage drivers but the in-memory cache,
// no application metrics (appmetrics and processlist are in the cmd module too).
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/google/cadvisor/lib/cache/memory"
	"github.com/google/cadvisor/lib/container"
	"github.com/google/cadvisor/lib/manager"
	"github.com/google/cadvisor/lib/metrics"
	info "github.com/google/cadvisor/lib/model"
	"github.com/google/cadvisor/lib/utils/sysfs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"

	// The container provider and filesystems of cmd/internal/container/install that a Docker host uses.
	_ "github.com/google/cadvisor/container/docker/install"
	_ "github.com/google/cadvisor/lib/fs/overlay/install"
	_ "github.com/google/cadvisor/lib/fs/tmpfs/install"
	_ "github.com/google/cadvisor/lib/fs/vfs/install"
)

var (
	argIP      = flag.String("listen_ip", "", "IP to listen on, defaults to all IPs")
	argPort    = flag.Int("port", 8080, "port to listen")
	endpoint   = flag.String("prometheus_endpoint", "/metrics", "Endpoint to expose Prometheus metrics on")
	storageDur = flag.Duration("storage_duration", 2*time.Minute, "How long to keep data stored")
	rawPrefix  = flag.String("raw_cgroup_prefix_whitelist", "", "cgroup path prefixes collected even with -docker_only")
	envMeta    = flag.String("env_metadata_whitelist", "", "environment variable prefixes collected for containers")
	versionArg = flag.Bool("version", false, "print cAdvisor version and exit")
)

// cmd/cadvisor.go's default ignoreMetrics (lines 81-93).
var ignoreMetrics = container.MetricSet{
	container.MemoryNumaMetrics: {}, container.NetworkTcpUsageMetrics: {}, container.NetworkUdpUsageMetrics: {},
	container.NetworkAdvancedTcpUsageMetrics: {}, container.ProcessSchedulerMetrics: {}, container.ProcessMetrics: {},
	container.HugetlbUsageMetrics: {}, container.ReferencedMemoryMetrics: {}, container.CPUTopologyMetrics: {},
	container.ResctrlMetrics: {}, container.CPUSetMetrics: {},
}

func main() {
	klog.InitFlags(nil)
	defer klog.Flush()
	flag.Parse()
	if *versionArg {
		fmt.Println("cAdvisor version v0.60.5 (library build for the engine tests)")
		os.Exit(0)
	}
	included := container.AllMetrics.Difference(ignoreMetrics)
	m, err := manager.New(memory.New(*storageDur, nil), sysfs.NewRealSysFs(), manager.HousekeepingConfigFlags, included,
		strings.Split(*rawPrefix, ","), strings.Split(*envMeta, ","), "", 0)
	if err != nil {
		klog.Fatalf("Failed to create a manager: %s", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	machine := metrics.NewPrometheusMachineCollector(m, included)
	goCollector := collectors.NewGoCollector()
	processCollector := collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})
	mux.Handle(*endpoint, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		opts := info.RequestOptions{IdType: info.TypeName, Count: 1, Recursive: true}
		r := prometheus.NewRegistry()
		r.MustRegister(metrics.NewPrometheusCollector(m, metrics.DefaultContainerLabels, included, clock.RealClock{}, opts), machine, goCollector, processCollector)
		promhttp.HandlerFor(r, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, req)
	}))
	if err := m.Start(); err != nil {
		klog.Fatalf("Failed to start manager: %v", err)
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-c
		_ = m.Stop()
		os.Exit(0)
	}()
	klog.Fatal(http.ListenAndServe(fmt.Sprintf("%s:%d", *argIP, *argPort), mux))
}
