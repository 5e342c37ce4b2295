package complaint

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
)

// authority is who a complaint about an instrument goes to.
type authority struct{ ZH, EN string }

// authorities maps catalog id prefixes to the competent authority. The
// letter is addressed to the one for the finding's own obligation and
// copied to those of its related obligations.
var authorities = []struct {
	prefix string
	a      authority
}{
	{"BJ-", authority{"北京市市场监督管理局", "Beijing Municipal Administration for Market Regulation"}},
	{"CN-ALGO-", authority{"国家互联网信息办公室（或属地网信部门）", "Cyberspace Administration of China (or its local office)"}},
	{"CN-PIPL-", authority{"国家互联网信息办公室（或属地网信部门）", "Cyberspace Administration of China (or its local office)"}},
	{"CN-", authority{"国家市场监督管理总局（或属地市场监督管理部门）", "State Administration for Market Regulation (or the local market regulator)"}},
	{"EU-DMA-", authority{"欧盟委员会", "European Commission (Digital Markets Act enforcement)"}},
	{"EU-DSA-", authority{"平台设立地成员国的数字服务协调员", "Digital Services Coordinator of the Member State of establishment"}},
	{"EU-", authority{"成员国负责平台对商业用户条例的执法机构", "the national body enforcing Regulation (EU) 2019/1150 (P2B)"}},
}

func authorityFor(rule string) authority {
	for _, x := range authorities {
		if strings.HasPrefix(rule, x.prefix) {
			return x.a
		}
	}
	return authority{"主管部门", "the competent authority"}
}

// method describes, per probe family, how the evidence was gathered.
var method = map[string]authority{
	"pricing": {
		"检测采用同步多身份比对法：参照身份、两个配置完全相同的对照身份及若干受测身份（如会员、苹果手机用户）在同一时间窗口内按随机顺序访问同一商品，并读取结算环节的最终价格；多轮重复后，对每一受测身份与参照身份的成对价差进行符号翻转置换检验，经霍尔姆（Holm）多重比较校正，且仅在价差超过对照身份之间的噪声水平及最小效应阈值时方予认定。效应量以中位百分比差异及自助法（bootstrap）95%置信区间表示。",
		"Synchronised personas: a reference persona, two identical control personas and the treatment personas (e.g. a member, an iPhone user) fetched the same products within the same short window in random order, reading the final price at the quote step, over several rounds. Each treatment persona's paired differences against the reference were tested with a sign-flip permutation test, Holm-corrected across personas, and counted only above the noise floor the control personas show and a minimum effect. Effects are median percentage differences with bootstrap 95% confidence intervals.",
	},
	"rules": {
		"检测以普通访客身份访问平台首页及各规则页面，记录规则页面是否在首页显著位置提供链接、能否在不登录的情况下完整阅读，并读取规则变更公告的发布日期与生效日期，计算公示期。",
		"An ordinary visitor fetched the home page and every rules page, recording whether the rules are linked from the home page and readable without logging in, and read the rule-change announcements' publication and effective dates to compute the notice given.",
	},
	"terms": {
		"检测以普通访客身份读取平台协议与规则全文（包括GBK等编码的页面），按句切分后由公开的字符n元组逻辑回归模型（权重文件哈希记于运行清单）与中英文条款特征库共同识别相关条款，并处理否定表述（如“本平台不要求独家经营”不计入）。每一处引文均附模型得分、阈值、权重最大的n元组、其在留存文本中的字符位置及文本哈希值。",
		"An ordinary visitor read the full terms and rules (including GBK-encoded pages); each sentence was classified by a published character n-gram logistic model (its weights file's hash is in the run manifest) together with Chinese and English clause cues, with negations handled (\"we do not require exclusivity\" does not count). Every quotation carries the model's score and threshold, the n-grams that weighed most, its character offsets in the stored text and that text's hash.",
	},
	"interop": {
		"检测将平台对竞争对手目标（链接、爬虫、第三方应用）的处理方式与对中立对照目标的处理方式逐项比对：仅当竞争对手受到的对待劣于所有对照目标时方予认定，对所有外链一律适用的提示不视为针对性屏蔽。",
		"Each check compared how the platform treats competitor targets (links, crawlers, third-party apps) with neutral control targets of the same kind; a competitor is reported only when treated worse than every control, so a warning shown for every external link is not treated as targeted blocking.",
	},
}

type letterData struct {
	Lang         string
	To           authority
	CC           []authority
	Platform     string
	BaseURL      string
	F            *policies.Finding
	Title        string
	Citations    []rules.Citation
	Summary      string
	Method       string
	Metrics      [][2]string
	Table        [][]string // per-product (or per-query) effects, header first
	Records      []evidence.Record
	Manifest     evidence.Manifest
	Date         string
	ObligationZH string
	ObligationEN string
}

func letters(f *policies.Finding, rep *policies.Report, man evidence.Manifest, picked []evidence.Record, opt Options) ([]byte, []byte, error) {
	d := letterData{Lang: opt.Lang, To: authorityFor(f.Rule), Platform: rep.Platform, F: f, Citations: f.Citations,
		Records: picked, Manifest: man, Date: opt.Now().Format("2006-01-02")}
	seen := map[string]bool{d.To.EN: true}
	for _, c := range f.Citations[1:] {
		a := authorityFor(c.Rule)
		if !seen[a.EN] {
			seen[a.EN] = true
			d.CC = append(d.CC, a)
		}
	}
	if opt.Catalog != nil {
		if ob, ok := opt.Catalog.Lookup(f.Rule); ok {
			d.ObligationZH, d.ObligationEN = ob.Summary.ZH, ob.Summary.EN
		}
	}
	m := method[f.Family]
	d.Title, d.Summary, d.Method = f.Title, f.Summary, m.EN
	if opt.Lang == "zh" {
		d.Title, d.Method = f.TitleZH, m.ZH
		if f.SummaryZH != "" {
			d.Summary = f.SummaryZH
		}
	}
	keys := make([]string, 0, len(f.Metrics))
	for k := range f.Metrics {
		if k != "products" && k != "controls" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.Metrics = append(d.Metrics, [2]string{k, fmtNum(f.Metrics[k])})
	}
	if rows, ok := f.Metrics["products"].([]any); ok && len(rows) > 0 {
		persona, _ := f.Metrics["persona"].(string)
		ref, _ := f.Metrics["reference"].(string)
		head := []string{"item", persona, ref, "difference %", "95% CI %"}
		if opt.Lang == "zh" {
			head = []string{"商品/搜索词", persona + "（中位价）", ref + "（中位价）", "差异（%）", "95%置信区间（%）"}
		}
		d.Table = append(d.Table, head)
		for _, r := range rows {
			m, ok := r.(map[string]any)
			if !ok {
				continue
			}
			d.Table = append(d.Table, []string{fmt.Sprint(m["product"]), fmtNum(m["persona_median"]), fmtNum(m["reference_median"]),
				fmtNum(m["effect_pct"]), fmtNum(m["ci_low"]) + " – " + fmtNum(m["ci_high"])})
		}
	}
	var md, html bytes.Buffer
	name := "en"
	if opt.Lang == "zh" {
		name = "zh"
	}
	if err := mdTemplates.ExecuteTemplate(&md, name, d); err != nil {
		return nil, nil, err
	}
	if err := htmlTemplate.Execute(&html, struct {
		Title string
		Lang  string
		Body  string
	}{d.Title, opt.Lang, md.String()}); err != nil {
		return nil, nil, err
	}
	return md.Bytes(), html.Bytes(), nil
}

// fmtNum prints numbers as a reader expects: two decimals, or four
// significant digits for small values such as p-values.
func fmtNum(v any) string {
	f, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	if f != 0 && math.Abs(f) < 0.01 {
		return strconv.FormatFloat(f, 'g', 4, 64)
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// metricZH names the common metric keys in Chinese.
var metricZH = map[string]string{
	"url": "页面地址", "status": "状态码", "linked_from_home": "首页是否提供链接", "login_wall": "是否需登录", "chars": "正文字符数",
	"published": "发布日期", "effective": "生效日期", "notice_days": "实际公示天数", "required_days": "规定公示天数",
	"lang": "语言", "start": "起始字符位置", "end": "结束字符位置", "cue": "匹配特征", "text_sha256": "留存文本哈希值",
	"persona": "受测身份", "reference": "参照身份", "effect_pct": "价差中位数（%）", "ci_low": "95%置信区间下限（%）",
	"ci_high": "95%置信区间上限（%）", "p_value": "p值", "p_adjusted": "Holm校正后p值", "rounds": "轮数",
	"products_tested": "检测商品数", "noise_floor_pct": "对照身份噪声上限（%）", "mechanism": "检测项目", "competitor": "竞争对手目标",
	"outcome": "处理结果", "options": "可选项", "first_party": "平台自有服务", "found": "是否提供", "machine_readable": "是否机器可读",
	"sections": "包含内容", "missing": "缺少内容", "pages": "检查页面",
}

var mdTemplates = texttemplate.Must(texttemplate.New("").Funcs(texttemplate.FuncMap{
	"articleZH": articleZH,
	"metricZH": func(k string) string {
		if z, ok := metricZH[k]; ok {
			return z
		}
		return k
	},
	"short": func(s string) string {
		if len(s) > 16 {
			return s[:16]
		}
		return s
	},
}).Parse(`
{{define "table"}}{{- if .Table}}

| {{range $i, $c := index .Table 0}}{{if $i}} | {{end}}{{$c}}{{end}} |
|---|---|---|---|---|
{{- range $j, $r := .Table}}{{if $j}}
| {{range $i, $c := $r}}{{if $i}} | {{end}}{{$c}}{{end}} |{{end}}{{end}}
{{- end}}{{end}}

{{define "zh"}}# 关于{{.Platform}}涉嫌违反《{{(index .Citations 0).InstrumentZH}}》{{articleZH (index .Citations 0).Article}}的投诉（举报）材料

致：{{.To.ZH}}
{{- if .CC}}
抄送：{{range $i, $c := .CC}}{{if $i}}；{{end}}{{$c.ZH}}{{end}}
{{- end}}

投诉人：＿＿＿＿＿＿＿＿（请填写名称、统一社会信用代码或身份证件号码、联系人及联系方式）
被投诉平台：{{.Platform}}
日期：{{.Date}}

## 一、投诉事项

投诉人认为，{{.Platform}}的下列行为涉嫌违反“{{.Title}}”的规定，特请求贵局依法调查处理。

经检测：{{.Summary}}。
{{- if .F.Quote}}

涉案条款（原文摘录）：

> {{.F.Quote}}
{{- end}}

## 二、法律依据
{{range .Citations}}
- 《{{.InstrumentZH}}》{{articleZH .Article}}
{{- end}}
{{- if .ObligationZH}}

上述规定的主要内容（概括）：{{.ObligationZH}}
{{- end}}

## 三、检测方法

{{.Method}}

## 四、检测结果与数据
{{range .Metrics}}
- {{metricZH (index . 0)}}：{{index . 1}}
{{- end}}{{- template "table" .}}

## 五、证据及核验方式

本材料所附证据由 platscan 自动采集，每条证据记录均以SHA-256哈希值标识，并以哈希链串联；全部记录的默克尔树根值已写入检测清单（manifest.json），清单由检测方以ed25519密钥签名（manifest.dsse.json）。

- 检测清单默克尔根：{{.Manifest.MerkleRoot}}
- 记录总数：{{.Manifest.Records}}
{{- if .Manifest.SigningKey}}
- 签名公钥指纹：{{.Manifest.SigningKey.Fingerprint}}
{{- end}}
- 本材料所含证据记录（附包含性证明，见 proofs.json）：
{{range .Records}}
  - {{.ID}}（{{.Kind}}{{if .URL}}，{{.URL}}{{end}}）
{{- end}}

任何人均可运行 ` + "`platscan verify 本文件.zip`" + ` 核验：每条记录的哈希值、其属于已签名检测结果的包含性证明、网页原始内容（WARC 归档）及签名。

投诉人（签章）：＿＿＿＿＿＿＿＿
{{end}}

{{define "en"}}# Complaint: {{.Platform}} and {{(index .Citations 0).Instrument}} {{(index .Citations 0).Article}}

To: {{.To.EN}}
{{- if .CC}}
Copy to: {{range $i, $c := .CC}}{{if $i}}; {{end}}{{$c.EN}}{{end}}
{{- end}}

Complainant: ____________ (name, registration number, contact person and details)
Platform complained of: {{.Platform}}
Date: {{.Date}}

## 1. The conduct

The complainant asks you to investigate the following conduct of {{.Platform}}: {{.Title}}.

{{.Summary}}
{{- if .F.Quote}}

The clause at issue, quoted as served:

> {{.F.Quote}}
{{- end}}

## 2. The law
{{range .Citations}}
- {{.Instrument}}, {{.Article}}
{{- end}}
{{- if .ObligationEN}}

In summary: {{.ObligationEN}}
{{- end}}

## 3. Method

{{.Method}}

## 4. Measured results
{{range .Metrics}}
- {{index . 0}}: {{index . 1}}
{{- end}}{{- template "table" .}}

## 5. Evidence and how to verify it

The evidence was collected by platscan. Each record is identified by its SHA-256 and chained to the
one before; the Merkle root of all records of the run is in the manifest (manifest.json), which is
signed with ed25519 (manifest.dsse.json).

- Merkle root: {{.Manifest.MerkleRoot}}
- Records in the run: {{.Manifest.Records}}
{{- if .Manifest.SigningKey}}
- Signing key fingerprint: {{.Manifest.SigningKey.Fingerprint}}
{{- end}}
- Records in this bundle (with inclusion proofs in proofs.json):
{{range .Records}}
  - {{.ID}} ({{.Kind}}{{if .URL}}, {{.URL}}{{end}})
{{- end}}

Anyone can run ` + "`platscan verify this-file.zip`" + ` to check every record's hash, its inclusion in the
signed run, the raw web pages (WARC) and the signature.

Signed: ____________
{{end}}
`))

var htmlTemplate = htmltemplate.Must(htmltemplate.New("letter").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:"Noto Serif CJK SC","Songti SC",serif;max-width:46em;margin:2em auto;line-height:1.7}pre{white-space:pre-wrap;font-family:inherit}</style>
</head><body><pre>{{.Body}}</pre></body></html>
`))

func readme(lang string) string {
	if lang == "zh" {
		return "本压缩包为 platscan 生成的投诉证据包。\n核验方法：platscan verify <本文件>.zip\n内容：complaint.md / complaint.html（投诉信），finding.json（检测结论），records.jsonl（证据记录），proofs.json（默克尔包含性证明），manifest.json 与 manifest.dsse.json（签名的检测清单），blobs/（原始网页内容），capture.warc.gz（WARC 格式的原始网络交互）。\n"
	}
	return "A complaint bundle made by platscan.\nVerify it with: platscan verify <this file>.zip\nContents: complaint.md / complaint.html (the letter), finding.json (the finding), records.jsonl (evidence records), proofs.json (Merkle inclusion proofs), manifest.json and manifest.dsse.json (the signed manifest of the whole run), blobs/ (raw page bodies), capture.warc.gz (the raw HTTP exchanges as WARC).\n"
}
