/* placeholder: replaced by the vo-ctl implementation */
int main (void) { return 1; }
