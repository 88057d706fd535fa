# The report of bench/compare.sh: reads "config <TAB> repetition <TAB> metric <TAB> value" lines, prints one table
# (median and min-max over the repetitions, and each figure as a fraction of the ceiling's) and writes the same as JSON.
# Variables: settings ("key=value;..."), json (output path), order (configurations, comma-separated).

function fmt(metric, v) {
    if (v == "nan" || v == "") return "-"
    if (metric ~ /pps$/) return sprintf("%d", v + 0.5)
    if (metric ~ /^cpu/) return sprintf("%.3f", v)
    if (metric ~ /^rss/ || metric ~ /loss/) return sprintf("%.1f", v)
    return sprintf("%.2f", v)
}
function num(v) { return (v == "nan" || v == "") ? "null" : v + 0 }
function quote(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }

# Sorts the values of (config, metric) into sorted[], skipping "nan"; returns how many.
function collect(config, metric,   n, i, j, t, parts, k) {
    n = 0
    k = split(values[config, metric], parts, " ")
    for (i = 1; i <= k; i++) if (parts[i] != "nan" && parts[i] != "") sorted[++n] = parts[i] + 0
    for (i = 2; i <= n; i++) { t = sorted[i]; for (j = i - 1; j >= 1 && sorted[j] > t; j--) sorted[j + 1] = sorted[j]; sorted[j + 1] = t }
    return n
}
function median(n) { return n == 0 ? "nan" : (n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2) }

{
    key = $1 SUBSEP $3
    values[key] = (key in values) ? values[key] " " $4 : $4
    if (!($3 in seen)) { seen[$3] = 1 }
    reps[$2] = 1
}

END {
    nconfigs = split(order, configs, ",")
    nreps = length(reps)
    split("first_ping_s ping56_p50_ms ping56_p99_ms ping1200_p50_ms ping1200_p99_ms ping56_loss_pct ping1200_loss_pct " \
          "rate64_pps rate1200_pps " \
          "cpu_ms_per_pkt_agent_1 cpu_ms_per_pkt_agent_2 cpu_ms_per_pkt_router cpu_ms_per_pkt_broker " \
          "rss_idle_agent_1 rss_idle_agent_2 rss_idle_router rss_idle_broker " \
          "rss_peak_agent_1 rss_peak_agent_2 rss_peak_router rss_peak_broker", metrics, " ")
    label["first_ping_s"] = "first ping after start, s"
    label["ping56_p50_ms"] = "ping 56 B p50, ms";     label["ping56_p99_ms"] = "ping 56 B p99, ms"
    label["ping1200_p50_ms"] = "ping 1200 B p50, ms"; label["ping1200_p99_ms"] = "ping 1200 B p99, ms"
    label["ping56_loss_pct"] = "ping 56 B loss, %";   label["ping1200_loss_pct"] = "ping 1200 B loss, %"
    label["rate64_pps"] = "UDP 64 B < 1% loss, pkt/s"; label["rate1200_pps"] = "UDP 1200 B < 1% loss, pkt/s"
    for (i = 1; i <= length(metrics); i++) {
        m = metrics[i]
        if (m ~ /^cpu/) { r = m; sub(/^cpu_ms_per_pkt_/, "", r); label[m] = "CPU ms/pkt, " r }
        if (m ~ /^rss_idle/) { r = m; sub(/^rss_idle_/, "", r); label[m] = "RSS idle MB, " r }
        if (m ~ /^rss_peak/) { r = m; sub(/^rss_peak_/, "", r); label[m] = "RSS peak MB, " r }
    }

    # Median, min, max and the fraction of the ceiling for every cell.
    for (c = 1; c <= nconfigs; c++) for (i = 1; i <= length(metrics); i++) {
        m = metrics[i]; cfg = configs[c]
        n = collect(cfg, m)
        med[cfg, m] = median(n); lo[cfg, m] = n ? sorted[1] : "nan"; hi[cfg, m] = n ? sorted[n] : "nan"
    }
    for (c = 1; c <= nconfigs; c++) for (i = 1; i <= length(metrics); i++) {
        m = metrics[i]; cfg = configs[c]; base = med["ceiling", m]
        ratio[cfg, m] = (base != "nan" && base != "" && base + 0 != 0 && med[cfg, m] != "nan") \
            ? sprintf("%.2f", med[cfg, m] / base) : "nan"
    }

    nset = split(settings, pairs, ";")
    printf "\nSettings:"
    for (i = 1; i <= nset; i++) if (pairs[i] != "") printf " %s", pairs[i]
    printf "\nEach cell: median over %d repetition(s)%s; x: the median as a fraction of the ceiling's (rates: higher is better; the rest: lower).\n", \
        nreps, (nreps > 1 ? " (min-max)" : "")
    printf "router: the ceiling's forwarder or agent router; direct and direct-nc have none.\n\n%-28s", "figure"
    for (c = 1; c <= nconfigs; c++) printf " %21s%s", configs[c], configs[c] == "ceiling" ? "" : "      "
    printf "\n"
    for (i = 1; i <= length(metrics); i++) {
        m = metrics[i]
        printf "%-28s", label[m]
        for (c = 1; c <= nconfigs; c++) {
            cfg = configs[c]
            cell = fmt(m, med[cfg, m])
            if (nreps > 1 && med[cfg, m] != "nan") cell = cell " (" fmt(m, lo[cfg, m]) "-" fmt(m, hi[cfg, m]) ")"
            printf " %21s", cell
            if (cfg != "ceiling") printf " %5s", ratio[cfg, m] == "nan" ? "" : "x" ratio[cfg, m]
        }
        printf "\n"
    }

    printf "{\n  \"settings\": {" > json
    sep = ""
    for (i = 1; i <= nset; i++) if (split(pairs[i], kv, "=") >= 2) {
        v = substr(pairs[i], length(kv[1]) + 2)
        printf "%s\n    %s: %s", sep, quote(kv[1]), (v ~ /^[0-9]+(\.[0-9]+)?$/ ? v : quote(v)) > json; sep = ","
    }
    printf "\n  },\n  \"configurations\": {" > json
    for (c = 1; c <= nconfigs; c++) {
        cfg = configs[c]
        printf "%s\n    %s: {", (c > 1 ? "," : ""), quote(cfg) > json
        for (i = 1; i <= length(metrics); i++) {
            m = metrics[i]
            k = split(values[cfg, m], parts, " ")
            list = ""
            for (j = 1; j <= k; j++) list = list (j > 1 ? ", " : "") num(parts[j])
            printf "%s\n      %s: {\"median\": %s, \"min\": %s, \"max\": %s, \"of_ceiling\": %s, \"values\": [%s]}", \
                (i > 1 ? "," : ""), quote(m), num(med[cfg, m]), num(lo[cfg, m]), num(hi[cfg, m]), num(ratio[cfg, m]), list > json
        }
        printf "\n    }" > json
    }
    printf "\n  }\n}\n" > json
    close(json)
    printf "\nJSON: %s\n", json
}
