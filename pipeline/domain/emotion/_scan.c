/* The English word scan of ``english.word_evidence`` for ASCII text, compiled.
 *
 * The same reading, step for step, as the Python loop in ``english.py`` (``_scan_python``), which stays the
 * reference: tokens as ``TOKEN_ASCII`` reads them, one lookup per word in the model's entries, negation
 * scope, modifiers and their glue words, contrast halving, capitals, letter runs, word pairs and the
 * strong features kept for cues. The rows of evidence stay C doubles and are summed in the reference's
 * order, as the builtin sum adds floats, so the two agree to the last bit; a test holds them to the same
 * output on every development text. Why: the loop cost about a microsecond per word in Python, and the
 * rows' tuples and sums a few more per text: together a third of the engine's time. ``affect`` is the
 * scorer's last step (sigmoids, valence, arousal): about 4 of the 50 microseconds a text took in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

/* Set once by configure() from english.py's constants, so the two can never disagree. */
static double cue_min = 0.6, half = 0.5, caps_weight = 1.3, elongation_weight = 1.2;
static long negation_scope = 3, f_negates = 1, f_before = 2, f_within = 4, f_glue = 8, f_rule_key = 16;
static int configured = 0;

static PyObject *
configure(PyObject *self, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "ddddllllll", &cue_min, &half, &caps_weight, &elongation_weight,
                          &negation_scope, &f_negates, &f_before, &f_within, &f_glue, &f_rule_key))
        return NULL;
    configured = 1;
    Py_RETURN_NONE;
}

static inline int
is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Rows of evidence, eight log-odds each, in text order; summed per column at the end. */
typedef struct {
    double *data;
    Py_ssize_t count, capacity;
} Rows;

#define PRIMARIES 8

static int
push_row(Rows *rows, PyObject *row, double value)
{
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < PRIMARIES) {
        PyErr_SetString(PyExc_TypeError, "a weight row must be a tuple of floats");
        return -1;
    }
    if (rows->count == rows->capacity) {
        Py_ssize_t capacity = rows->capacity ? rows->capacity * 2 : 32;
        double *data = PyMem_Realloc(rows->data, (size_t)capacity * PRIMARIES * sizeof(double));
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        rows->data = data;
        rows->capacity = capacity;
    }
    double *out = rows->data + rows->count * PRIMARIES;
    for (Py_ssize_t i = 0; i < PRIMARIES; i++) {
        double weight = PyFloat_AsDouble(PyTuple_GET_ITEM(row, i));
        if (weight == -1.0 && PyErr_Occurred())
            return -1;
        out[i] = value == 1.0 ? weight : weight * value;
    }
    rows->count++;
    return 0;
}

/* Each column's sum, added in row order exactly as the builtin sum(column, 0.0) adds floats, so the
 * compiled and the Python scan agree to the last bit (3.12 made sum compensated: follow it there). */
static PyObject *
column_sums(const Rows *rows)
{
    PyObject *sums = PyList_New(PRIMARIES);
    if (sums == NULL)
        return NULL;
    for (Py_ssize_t column = 0; column < PRIMARIES; column++) {
        double total = 0.0;
#if PY_VERSION_HEX >= 0x030C0000
        double compensation = 0.0;
        for (Py_ssize_t row = 0; row < rows->count; row++) {
            double x = rows->data[row * PRIMARIES + column];
            double t = total + x;
            if (fabs(total) >= fabs(x))
                compensation += (total - t) + x;
            else
                compensation += (x - t) + total;
            total = t;
        }
        if (compensation && isfinite(compensation))
            total += compensation;
#else
        for (Py_ssize_t row = 0; row < rows->count; row++)
            total += rows->data[row * PRIMARIES + column];
#endif
        PyObject *item = PyFloat_FromDouble(total);
        if (item == NULL) {
            Py_DECREF(sums);
            return NULL;
        }
        PyList_SET_ITEM(sums, column, item);
    }
    return sums;
}

/* A row's largest weight (its ninth item) times value. */
static int
strongest(PyObject *row, double value, double *out)
{
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 9) {
        PyErr_SetString(PyExc_TypeError, "a weight row must be a tuple of nine floats");
        return -1;
    }
    double weight = PyFloat_AsDouble(PyTuple_GET_ITEM(row, 8));
    if (weight == -1.0 && PyErr_Occurred())
        return -1;
    *out = weight * value;
    return 0;
}

static int
append_new(PyObject *list, PyObject *item)
{
    if (item == NULL)
        return -1;
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

/* The row (times value unless value is 1) in rows, and a strong feature when it reaches cue_min. */
static int
add_row(Rows *rows, PyObject *strong, PyObject *row, double value, Py_ssize_t start, Py_ssize_t end,
        int negated)
{
    if (push_row(rows, row, value) < 0)
        return -1;
    double evidence;
    if (strongest(row, value, &evidence) < 0)
        return -1;
    if (evidence >= cue_min) {
        PyObject *feature = Py_BuildValue("[OdnnO]", row, value, start, end, negated ? Py_True : Py_False);
        if (append_new(strong, feature) < 0)
            return -1;
    }
    return 0;
}

/* english._halve_clause: rows from first_row and strong features from first_strong count half. */
static int
halve_clause(Rows *rows, Py_ssize_t first_row, PyObject *strong, Py_ssize_t first_strong)
{
    for (Py_ssize_t i = first_row * PRIMARIES; i < rows->count * PRIMARIES; i++)
        rows->data[i] *= half;
    Py_ssize_t count = PyList_GET_SIZE(strong);
    if (first_strong >= count)
        return 0;
    PyObject *kept = PyList_New(0);
    if (kept == NULL)
        return -1;
    for (Py_ssize_t i = first_strong; i < count; i++) {
        PyObject *feature = PyList_GET_ITEM(strong, i);
        double value = PyFloat_AsDouble(PyList_GET_ITEM(feature, 1));
        if (value == -1.0 && PyErr_Occurred())
            goto error;
        value *= half;
        PyObject *new_value = PyFloat_FromDouble(value);
        if (new_value == NULL || PyList_SetItem(feature, 1, new_value) < 0)
            goto error;
        double evidence;
        if (strongest(PyList_GET_ITEM(feature, 0), value, &evidence) < 0)
            goto error;
        if (evidence >= cue_min && PyList_Append(kept, feature) < 0)
            goto error;
    }
    int failed = PyList_SetSlice(strong, first_strong, count, kept);
    Py_DECREF(kept);
    return failed;
error:
    Py_DECREF(kept);
    return -1;
}

static int
append_span(PyObject *list, Py_ssize_t start, Py_ssize_t end)
{
    return append_new(list, Py_BuildValue("(nn)", start, end));
}

/* Whether word[i] is the third or later of a run of equal word characters. */
static inline int
extends_run(const char *word, Py_ssize_t i)
{
    return i >= 2 && word[i] != '\'' && word[i] == word[i - 1] && word[i] == word[i - 2];
}

/* A word with its runs of three or more equal characters cut to two (english_tokens.ELONGATED), or NULL
 * with no error set when it has none. */
static PyObject *
shortened(const char *word, Py_ssize_t length)
{
    int found = 0;
    for (Py_ssize_t i = 2; i < length && !found; i++)
        found = extends_run(word, i);
    if (!found)
        return NULL;
    char *buffer = PyMem_Malloc(length);
    if (buffer == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t out = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        if (!extends_run(word, i))
            buffer[out++] = word[i];
    }
    PyObject *result = PyUnicode_FromStringAndSize(buffer, out);
    PyMem_Free(buffer);
    return result;
}

static int
ends_with_nt(const char *word, Py_ssize_t length)
{
    if (length < 3 || word[length - 3] != 'n' || word[length - 2] != '\'' || word[length - 1] != 't')
        return 0;
    return 1; /* the apostrophe is in the word, as _negative_contraction asks */
}

/* A word's entry in the model: (weights or None, followers or None, flags, factor). */
static int
check_entry(PyObject *entry)
{
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 4) {
        PyErr_SetString(PyExc_TypeError, "a word entry must be a 4-tuple");
        return -1;
    }
    return 0;
}

/* The pair the previous word forms with this one, if the model weighs it, at the mean of their values. */
static int
add_pair(Rows *rows, PyObject *strong, PyObject *followers, PyObject *word, double previous_value,
         double value, Py_ssize_t previous_start, Py_ssize_t end)
{
    if (followers == NULL)
        return 0;
    PyObject *pair = PyDict_GetItemWithError(followers, word);
    if (pair == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return add_row(rows, strong, pair, (previous_value + value) / 2, previous_start, end, 0);
}

static PyObject *
scan(PyObject *self, PyObject *args)
{
    PyObject *lowered, *text, *entries, *negated_cache, *negated_weights, *bias;
    int caps_text;
    if (!PyArg_ParseTuple(args, "UUpO!O!OO!", &lowered, &text, &caps_text, &PyDict_Type, &entries,
                          &PyDict_Type, &negated_cache, &negated_weights, &PyTuple_Type, &bias))
        return NULL;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "_scan.configure() has not been called");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(lowered)) {
        PyErr_SetString(PyExc_ValueError, "scan reads ASCII text only");
        return NULL;
    }
    const char *s = (const char *)PyUnicode_DATA(lowered);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lowered);

    Rows rows = {NULL, 0, 0};
    PyObject *strong = PyList_New(0), *rule_words = PyList_New(0), *halved = PyList_New(0);
    PyObject *word = NULL, *found = NULL, *log_odds = NULL;
    if (strong == NULL || rule_words == NULL || halved == NULL || push_row(&rows, bias, 1.0) < 0)
        goto error;
    long rule_flags = 0, negation_left = 0, exclamations = 0, caps = 0;
    Py_ssize_t clause_rows = 1, clause_strong = 0, clause_start = 0, within_start = 0;
    Py_ssize_t previous_start = 0;
    PyObject *followers = NULL; /* borrowed from an entry of the model, which outlives the call */
    double previous_value = 0.0, multiplier = 1.0;
    int within_contrast = 0;

    Py_ssize_t i = 0;
    while (i < n) {
        char c = s[i];
        Py_ssize_t start = i, end = i + 1;
        if (c == '!' || c == '?') {
            while (end < n && (s[end] == '!' || s[end] == '?'))
                end++;
        } else if (c == '.' || c == ',' || c == ';' || c == ':') {
            while (end < n && (s[end] == '.' || s[end] == ',' || s[end] == ';' || s[end] == ':'))
                end++;
        } else if (is_alnum(c)) {
            while (end < n && is_alnum(s[end]))
                end++;
            while (end + 1 < n && s[end] == '\'' && is_alnum(s[end + 1])) {
                end += 2;
                while (end < n && is_alnum(s[end]))
                    end++;
            }
        } else {
            i++;
            continue;
        }
        i = end;

        if (!is_alnum(c)) {
            /* Clause punctuation ends negation, modifiers and a contrast's clause; '!' and '?' are words. */
            if (c == '!' || c == '?') {
                for (Py_ssize_t k = start; k < end; k++) {
                    if (s[k] == '!') {
                        exclamations += end - start;
                        break;
                    }
                }
            }
            negation_left = 0;
            if (within_contrast) {
                if (append_span(halved, within_start, start) < 0)
                    goto error;
                within_contrast = 0;
            }
            multiplier = 1.0;
            if (c == '!' || c == '?') {
                word = PyUnicode_FromStringAndSize(s + start, end - start > 3 ? 3 : end - start);
                if (word == NULL)
                    goto error;
                PyObject *entry = PyDict_GetItemWithError(entries, word);
                if (entry == NULL && PyErr_Occurred())
                    goto error;
                if (entry != NULL && check_entry(entry) < 0)
                    goto error;
                PyObject *own = entry != NULL ? PyTuple_GET_ITEM(entry, 0) : Py_None;
                if (own != Py_None && add_row(&rows, strong, own, 1.0, start, end, 0) < 0)
                    goto error;
                if (add_pair(&rows, strong, followers, word, previous_value, 1.0, previous_start, end) < 0)
                    goto error;
                Py_CLEAR(word);
            }
            if (c != ',' && c != ':') {
                followers = NULL;
                clause_rows = rows.count;
                clause_strong = PyList_GET_SIZE(strong);
                clause_start = end;
            }
            continue;
        }

        double value = multiplier;
        word = PyUnicode_FromStringAndSize(s + start, end - start);
        if (word == NULL)
            goto error;
        PyObject *entry = PyDict_GetItemWithError(entries, word);
        if (entry == NULL && PyErr_Occurred())
            goto error;
        if (entry == NULL) {
            PyObject *shorter = shortened(s + start, end - start);
            if (shorter == NULL && PyErr_Occurred())
                goto error;
            if (shorter != NULL) {
                Py_SETREF(word, shorter);
                value *= elongation_weight;
                entry = PyDict_GetItemWithError(entries, word);
                if (entry == NULL && PyErr_Occurred())
                    goto error;
            }
        }
        PyObject *next_followers = NULL;
        long flags = 0;
        double factor = 1.0;
        if (entry == NULL) {
            found = NULL;
            /* The word as looked up: a shortened word keeps its apostrophe and ending. */
            Py_ssize_t length = PyUnicode_GET_LENGTH(word);
            const char *w = (const char *)PyUnicode_DATA(word);
            flags = ends_with_nt(w, length) ? f_negates : 0;
        } else {
            if (check_entry(entry) < 0)
                goto error;
            found = PyTuple_GET_ITEM(entry, 0);
            found = found == Py_None ? NULL : Py_NewRef(found);
            next_followers = PyTuple_GET_ITEM(entry, 1);
            if (next_followers == Py_None)
                next_followers = NULL;
            flags = PyLong_AsLong(PyTuple_GET_ITEM(entry, 2));
            factor = PyFloat_AsDouble(PyTuple_GET_ITEM(entry, 3));
            if (PyErr_Occurred())
                goto error;
            if (flags) {
                if (flags & f_before) {
                    if (halve_clause(&rows, clause_rows, strong, clause_strong) < 0 ||
                        append_span(halved, clause_start, start) < 0)
                        goto error;
                    previous_value *= half;
                    negation_left = 0;
                } else if ((flags & f_within) && !within_contrast) {
                    within_contrast = 1;
                    within_start = end;
                }
                if (flags >= f_rule_key) {
                    if (PyList_Append(rule_words, word) < 0)
                        goto error;
                    rule_flags |= flags;
                }
            }
        }
        if (within_contrast)
            value *= half;
        if (caps_text && end - start > 1) {
            PyObject *original = PyUnicode_Substring(text, start, end);
            if (original == NULL)
                goto error;
            PyObject *upper = PyObject_CallMethod(original, "isupper", NULL);
            Py_DECREF(original);
            if (upper == NULL)
                goto error;
            int is_upper = PyObject_IsTrue(upper);
            Py_DECREF(upper);
            if (is_upper) {
                value *= caps_weight;
                caps++;
            }
        }
        int negated = negation_left > 0;
        if (negated) {
            negation_left--;
            Py_CLEAR(found);
            PyObject *cached = PyDict_GetItemWithError(negated_cache, word);
            if (cached == NULL && PyErr_Occurred())
                goto error;
            found = cached != NULL ? Py_NewRef(cached) : PyObject_CallOneArg(negated_weights, word);
            if (found == NULL)
                goto error;
            if (found == Py_None)
                Py_CLEAR(found);
        }
        if (found != NULL && add_row(&rows, strong, found, value, start, end, negated) < 0)
            goto error;
        Py_CLEAR(found);
        if (add_pair(&rows, strong, followers, word, previous_value, value, previous_start, end) < 0)
            goto error;
        Py_CLEAR(word);
        followers = next_followers;
        previous_value = value;
        previous_start = start;
        if (flags & f_negates)
            negation_left = negation_scope;
        if (multiplier != 1.0 && (flags & f_glue))
            continue; /* "kind of", "a bit": the modifier reaches past its glue word */
        multiplier = factor;
        if (factor != 1.0 && value > 1.0)
            multiplier *= value < 1.5 ? value : 1.5;
    }
    if (within_contrast && append_span(halved, within_start, PyUnicode_GET_LENGTH(text)) < 0)
        goto error;
    log_odds = column_sums(&rows);
    if (log_odds == NULL)
        goto error;
    PyMem_Free(rows.data);
    return Py_BuildValue("(NNNlllN)", log_odds, strong, rule_words, rule_flags, exclamations, caps, halved);
error:
    PyMem_Free(rows.data);
    Py_XDECREF(word);
    Py_XDECREF(found);
    Py_XDECREF(strong);
    Py_XDECREF(rule_words);
    Py_XDECREF(halved);
    return NULL;
}

/* english.score_english's last step, set once by configure_affect() from english.py and affect.py: per
 * primary half its threshold and the room above it; valence and arousal weights by position. */
static double floors[PRIMARIES], rooms[PRIMARIES], damping = 0.35;
static Py_ssize_t valence_index[PRIMARIES], arousal_index[PRIMARIES], valence_count = 0, arousal_count = 0;
static double valence_weight[PRIMARIES], arousal_weight[PRIMARIES];
static int affect_configured = 0;

static int
read_pairs(PyObject *pairs, Py_ssize_t *indices, double *weights, Py_ssize_t *count)
{
    if (!PyTuple_Check(pairs) || PyTuple_GET_SIZE(pairs) > PRIMARIES) {
        PyErr_SetString(PyExc_TypeError, "weights must be a tuple of at most eight (index, weight) pairs");
        return -1;
    }
    *count = PyTuple_GET_SIZE(pairs);
    for (Py_ssize_t i = 0; i < *count; i++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(pairs, i), "nd", &indices[i], &weights[i]))
            return -1;
        if (indices[i] < 0 || indices[i] >= PRIMARIES) {
            PyErr_SetString(PyExc_ValueError, "an index must name one of the eight primaries");
            return -1;
        }
    }
    return 0;
}

static PyObject *
configure_affect(PyObject *self, PyObject *args)
{
    PyObject *floor_pairs, *valence, *arousal;
    if (!PyArg_ParseTuple(args, "O!O!O!d", &PyTuple_Type, &floor_pairs, &PyTuple_Type, &valence, &PyTuple_Type,
                          &arousal, &damping))
        return NULL;
    if (PyTuple_GET_SIZE(floor_pairs) != PRIMARIES) {
        PyErr_SetString(PyExc_ValueError, "floors must hold one (floor, room) pair per primary");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PRIMARIES; i++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(floor_pairs, i), "dd", &floors[i], &rooms[i]))
            return NULL;
    }
    if (read_pairs(valence, valence_index, valence_weight, &valence_count) < 0 ||
        read_pairs(arousal, arousal_index, arousal_weight, &arousal_count) < 0)
        return NULL;
    affect_configured = 1;
    Py_RETURN_NONE;
}

/* Scores (a sigmoid of each log-odds), then valence and arousal from the scores past their floors: the
 * same operations in the same order as english._affect_python and affect.valence_and_arousal. */
static PyObject *
affect(PyObject *self, PyObject *args)
{
    PyObject *log_odds;
    double boost;
    if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &log_odds, &boost))
        return NULL;
    if (!affect_configured) {
        PyErr_SetString(PyExc_RuntimeError, "_scan.configure_affect() has not been called");
        return NULL;
    }
    if (PyList_GET_SIZE(log_odds) != PRIMARIES) {
        PyErr_SetString(PyExc_ValueError, "log_odds must hold one value per primary");
        return NULL;
    }
    double excess[PRIMARIES];
    PyObject *scores = PyList_New(PRIMARIES);
    if (scores == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PRIMARIES; i++) {
        double value = PyFloat_AsDouble(PyList_GET_ITEM(log_odds, i));
        if (value == -1.0 && PyErr_Occurred()) {
            Py_DECREF(scores);
            return NULL;
        }
        double score = value < -30.0 ? 0.0 : 1.0 / (1.0 + exp(-value));
        excess[i] = score > floors[i] ? (score - floors[i]) / rooms[i] : 0.0;
        PyObject *item = PyFloat_FromDouble(score);
        if (item == NULL) {
            Py_DECREF(scores);
            return NULL;
        }
        PyList_SET_ITEM(scores, i, item);
    }
    double positive = 0.0, negative = 0.0, strongest = 0.0;
    for (Py_ssize_t k = 0; k < valence_count; k++) {
        double value = excess[valence_index[k]] * valence_weight[k];
        if (value > 0.0)
            positive += value;
        else
            negative -= value;
    }
    for (Py_ssize_t k = 0; k < arousal_count; k++) {
        double value = excess[arousal_index[k]] * arousal_weight[k];
        if (value > strongest)
            strongest = value;
    }
    double arousal = strongest + boost;
    if (!(arousal < 1.0)) /* min(1.0, x) keeps 1.0 unless x is smaller */
        arousal = 1.0;
    return Py_BuildValue("(Ndd)", scores, (positive - negative) / (positive + negative + damping), arousal);
}

/* round(x, 4) for a list of floats, exactly as the builtin rounds each. The builtin goes through a correctly
 * rounded decimal string; the integer nearest x * 10000 is the same digit string whenever x * 10000 is not
 * within 1e-6 of a half (its rounding error is below 1e-9 for |x| < 100), and that integer divided by 10000
 * is then the double the builtin returns. Near a half, or for large, infinite or NaN values, the builtin
 * decides. */
static PyObject *builtin_round = NULL;

static PyObject *
round4(PyObject *self, PyObject *values)
{
    if (!PyList_Check(values)) {
        PyErr_SetString(PyExc_TypeError, "round4 takes a list of floats");
        return NULL;
    }
    if (builtin_round == NULL) {
        builtin_round = PyDict_GetItemString(PyEval_GetBuiltins(), "round");
        if (builtin_round == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "the builtin round is not available");
            return NULL;
        }
        Py_INCREF(builtin_round);
    }
    Py_ssize_t count = PyList_GET_SIZE(values);
    PyObject *out = PyList_New(count);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyList_GET_ITEM(values, i), *item = NULL;
        if (PyFloat_CheckExact(value)) {
            double scaled = PyFloat_AS_DOUBLE(value) * 10000.0;
            if (fabs(scaled) < 1000000.0) {
                double nearest = nearbyint(scaled);
                if (fabs(fabs(scaled - nearest) - 0.5) > 1e-6)
                    item = PyFloat_FromDouble(nearest / 10000.0);
            }
        }
        if (item == NULL && !PyErr_Occurred())
            item = PyObject_CallFunction(builtin_round, "Oi", value, 4);
        if (item == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, item);
    }
    return out;
}


/* The learned complaint reading's log-odds (``english_complaints.ComplaintModel.log_odds``) for ASCII text.
 *
 * The Python reference builds a string per word and per word pair to look each up: about a sixth of an
 * English text's scoring. Here words are hashed as they are read (64-bit FNV-1a of the same bytes the
 * reference's strings hold, a pair continuing its first word's hash with a space and the second word), and
 * looked up in a table built once from the model's weights, so no string is made. Tokens, their order and
 * the order of the sums are the reference's; a test holds both to the same log-odds on the development
 * texts.
 */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL
#define MAX_ZERO_RUN 20

typedef struct {
    uint64_t key;
    double weight;
    int used;
} ComplaintSlot;

typedef struct {
    ComplaintSlot *slots;
    uint64_t mask;
    uint64_t *numbers;
    Py_ssize_t number_count;
} ComplaintTable;

static inline uint64_t
fnv_extend(uint64_t hash, const char *bytes, Py_ssize_t length)
{
    for (Py_ssize_t i = 0; i < length; i++) {
        hash ^= (unsigned char)bytes[i];
        hash *= FNV_PRIME;
    }
    return hash;
}

static const ComplaintSlot *
complaint_slot(const ComplaintTable *table, uint64_t key)
{
    for (uint64_t i = key & table->mask;; i = (i + 1) & table->mask) {
        const ComplaintSlot *slot = &table->slots[i];
        if (!slot->used)
            return NULL;
        if (slot->key == key)
            return slot;
    }
}

static void
free_complaint_table(PyObject *capsule)
{
    ComplaintTable *table = PyCapsule_GetPointer(capsule, "complaint_table");
    if (table != NULL) {
        PyMem_Free(table->slots);
        PyMem_Free(table->numbers);
        PyMem_Free(table);
    }
}

static PyObject *
complaint_table(PyObject *self, PyObject *args)
{
    PyObject *weights, *numbers;
    if (!PyArg_ParseTuple(args, "O!O!", &PyDict_Type, &weights, &PyTuple_Type, &numbers))
        return NULL;
    uint64_t capacity = 16;
    while (capacity < 2 * (uint64_t)PyDict_GET_SIZE(weights))
        capacity *= 2;
    ComplaintTable *table = PyMem_Calloc(1, sizeof(ComplaintTable));
    if (table == NULL)
        return PyErr_NoMemory();
    table->mask = capacity - 1;
    table->slots = PyMem_Calloc(capacity, sizeof(ComplaintSlot));
    table->number_count = PyTuple_GET_SIZE(numbers);
    table->numbers = PyMem_Calloc(table->number_count + 1, sizeof(uint64_t));
    PyObject *capsule = NULL;
    if (table->slots == NULL || table->numbers == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < table->number_count; i++) {
        Py_ssize_t length;
        const char *bytes = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(numbers, i), &length);
        if (bytes == NULL)
            goto fail;
        table->numbers[i] = fnv_extend(FNV_OFFSET, bytes, length);
    }
    Py_ssize_t position = 0;
    PyObject *feature, *weight;
    while (PyDict_Next(weights, &position, &feature, &weight)) {
        Py_ssize_t length;
        const char *bytes = PyUnicode_AsUTF8AndSize(feature, &length);
        double value = PyFloat_AsDouble(weight);
        if (bytes == NULL || (value == -1.0 && PyErr_Occurred()))
            goto fail;
        uint64_t key = fnv_extend(FNV_OFFSET, bytes, length);
        uint64_t i = key & table->mask;
        while (table->slots[i].used && table->slots[i].key != key)
            i = (i + 1) & table->mask;
        if (table->slots[i].used) {
            PyErr_Format(PyExc_ValueError, "two complaint features share a hash: %R", feature);
            goto fail;
        }
        table->slots[i] = (ComplaintSlot){key, value, 1};
    }
    capsule = PyCapsule_New(table, "complaint_table", free_complaint_table);
    if (capsule != NULL)
        return capsule;
fail:
    PyMem_Free(table->slots);
    PyMem_Free(table->numbers);
    PyMem_Free(table);
    return NULL;
}

static inline int
complaint_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'';
}

/* A word character as the reference reads it: lowered, a digit as zero. */
static inline char
complaint_char(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if (c >= '0' && c <= '9')
        return '0';
    return c;
}

static PyObject *
complaint_log_odds(PyObject *self, PyObject *args)
{
    PyObject *capsule, *text;
    double bias;
    if (!PyArg_ParseTuple(args, "OUd", &capsule, &text, &bias))
        return NULL;
    ComplaintTable *table = PyCapsule_GetPointer(capsule, "complaint_table");
    if (table == NULL)
        return NULL;
    if (!PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "complaint_log_odds reads ASCII text only");
        return NULL;
    }
    const char *chars = (const char *)PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    const uint64_t zero = fnv_extend(FNV_OFFSET, "0", 1);
    double words = 0.0, pairs = 0.0;
    int question = 0, have_previous = 0;
    uint64_t previous = 0;
    char token[64];
    const ComplaintSlot *slot;
    Py_ssize_t i = 0;
    while (i < length) {
        char c = chars[i];
        if (!complaint_word_char(c)) {
            question |= c == '?';
            i++;
            continue;
        }
        /* One word: lowered, digits as zeros; hashed whole, and copied while short enough to compare. */
        uint64_t hash = FNV_OFFSET;
        Py_ssize_t size = 0;
        int zeros = 1;
        for (; i < length && complaint_word_char(chars[i]); i++) {
            char b = complaint_char(chars[i]);
            zeros &= b == '0';
            if (size < (Py_ssize_t)sizeof(token))
                token[size] = b;
            size++;
            hash = (hash ^ (unsigned char)b) * FNV_PRIME;
        }
        if (zeros && size <= MAX_ZERO_RUN)
            hash = zero;
        else
            for (Py_ssize_t n = 0; n < table->number_count; n++)
                if (table->numbers[n] == hash) {
                    hash = zero;
                    break;
                }
        const char *normal = hash == zero ? "0" : token;
        Py_ssize_t normal_size = hash == zero ? 1 : size;
        if ((slot = complaint_slot(table, hash)) != NULL)
            words += slot->weight;
        if (have_previous) {
            uint64_t pair;
            if (normal_size <= (Py_ssize_t)sizeof(token)) {
                pair = fnv_extend(fnv_extend(previous, " ", 1), normal, normal_size);
            } else {
                /* A word longer than the copy: hash the pair from the text itself (it holds no zero run). */
                pair = fnv_extend(previous, " ", 1);
                for (Py_ssize_t k = i - size; k < i; k++)
                    pair = (pair ^ (unsigned char)complaint_char(chars[k])) * FNV_PRIME;
            }
            if ((slot = complaint_slot(table, pair)) != NULL)
                pairs += slot->weight;
        }
        previous = hash;
        have_previous = 1;
    }
    if (question) {
        uint64_t mark = fnv_extend(FNV_OFFSET, "?", 1);
        if ((slot = complaint_slot(table, mark)) != NULL)
            words += slot->weight;
        if (have_previous && (slot = complaint_slot(table, fnv_extend(fnv_extend(previous, " ", 1), "?", 1))) != NULL)
            pairs += slot->weight;
    }
    return PyFloat_FromDouble(bias + words + pairs);
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(cue_min, half, caps_weight, elongation_weight, negation_scope, negates, contrasts_before, "
     "contrasts_within, glue, rule_key): the scorer's constants, set once."},
    {"scan", scan, METH_VARARGS,
     "scan(lowered, text, caps_text, entries, negated, negated_weights, bias) -> (log_odds, strong, rule_words, "
     "rule_flags, exclamations, caps, halved): the word scan of ASCII text."},
    {"configure_affect", configure_affect, METH_VARARGS,
     "configure_affect(floors, valence_weights, arousal_weights, damping): the constants of affect(), set once."},
    {"affect", affect, METH_VARARGS,
     "affect(log_odds, arousal_boost) -> (scores, valence, arousal): score_english's last step."},
    {"round4", round4, METH_O, "round4(values) -> [round(value, 4) for value in values], faster."},
    {"complaint_table", complaint_table, METH_VARARGS,
     "complaint_table(weights, number_words) -> table: the complaint model's weights, hashed once."},
    {"complaint_log_odds", complaint_log_odds, METH_VARARGS,
     "complaint_log_odds(table, text, bias) -> float: the complaint model's log-odds for ASCII text."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_scan",
    .m_doc = "The English word scan for ASCII text, compiled (see english.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    return PyModule_Create(&module);
}
